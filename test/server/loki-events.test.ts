/**
 * The fields a Loki entry's event gets (server/loki/push-events.ts): the line's own, then the
 * stream's labels, then the entry's structured metadata, a later one winning over an earlier one
 * of the same name and keeping the earlier one's place, as `{ ...line, ...labels, ...metadata }`
 * gives them. Held to that by a property test over label sets with repeated names, `__proto__`
 * among them (kept as a plain field, never the object's prototype).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fields, LogEvent, RawEvent } from '../../src/core/events.js';
import { lokiPushToEvents } from '../../src/server/loki/push-events.js';

type Pairs = [string, string][];

/** A field set as the parser makes one: `__proto__` a plain property. */
function fieldsOf(pairs: Pairs): Fields {
  const f: Fields = {};
  for (const [k, v] of pairs)
    Object.defineProperty(f, k, { value: v, enumerable: true, writable: true, configurable: true });
  return f;
}

/** A parser that reads each line as the JSON list of its field pairs. */
function parse(raws: RawEvent[]): LogEvent[] {
  return raws.map((r) => ({
    ts: 1,
    level: 'info',
    service: r.service ?? null,
    host: r.host ?? null,
    source: r.source,
    generation: r.generation,
    offset: r.offset,
    format: 'test',
    message: r.line,
    fields: fieldsOf(JSON.parse(r.line) as Pairs),
    raw: r.line,
  }));
}

/** Name, value pairs in order, a later value of a name replacing the earlier in its place. */
function merged(...lists: Pairs[]): Pairs {
  const out: Pairs = [];
  for (const list of lists) {
    for (const [k, v] of list) {
      const at = out.findIndex(([name]) => name === k);
      if (at === -1) out.push([k, v]);
      else out[at] = [k, v];
    }
  }
  return out;
}

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

describe('Loki entry fields', () => {
  it('are the line fields, then the labels, then the metadata, as a spread of the three gives (property)', () => {
    const name = fc.constantFrom('a', 'b', 'job', 'env', 'x_1', '__proto__', 'constructor', 'toString');
    const pairs = fc.array(fc.tuple(name, fc.string({ maxLength: 6 })), { maxLength: 6 });
    const stream = fc.record({
      labels: pairs,
      entries: fc.array(fc.record({ line: pairs, meta: fc.option(pairs) }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(stream, { minLength: 1, maxLength: 3 }), (streams) => {
        const req = {
          streams: streams.map((s) => ({
            labels: `{${s.labels.map(([k, v]) => `${k}=${quote(v)}`).join(', ')}}`,
            entries: s.entries.map((e) => ({
              timestamp: { seconds: 1_764_583_200, nanos: 0 },
              line: JSON.stringify(e.line),
              structuredMetadata: (e.meta ?? []).map(([n, v]) => ({ name: n, value: v })),
            })),
          })),
        };
        const events = lokiPushToEvents(req, true, { generation: 'g', parse });
        let k = 0;
        for (const s of streams) {
          for (const e of s.entries) {
            const fields = events[k++].fields;
            expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
            const meta = e.meta === null || e.meta.length === 0 ? [] : e.meta;
            expect(Object.entries(fields)).toEqual(merged(e.line, s.labels, meta));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
