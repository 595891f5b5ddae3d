/**
 * The Loki PushRequest wire reader (server/loki/push-wire.ts) held to protobufjs' decoding of
 * Loki's schema, mapped the same way: on generated pushes (label sets good and bad, times with
 * and without, out of range, nanos out of range, metadata repeated), the same events or the same
 * refusal naming the same path; on random and mutated bytes, events or a UserError, nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { createParser } from '../../src/parser/index.js';
import { lokiPushToEvents } from '../../src/server/loki/push-events.js';
import { pushRequestType } from '../../src/server/loki/push-schema.js';
import { lokiProtobufToEvents } from '../../src/server/loki/push-wire.js';

const ctx = () => ({ generation: 'g', parse: createParser({ format: 'auto', service: null }) });

/** What a function gave: its events, or its error's class and message. */
function outcome(f: () => unknown): unknown {
  try {
    return { events: f() };
  } catch (err) {
    return { error: err instanceof UserError ? 'UserError' : String(err), message: (err as Error).message };
  }
}

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const name = fc.constantFrom('job', 'host', 'level', 'service_name', 'format', 'env', '__proto__', 'a_1');
const labels = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.tuple(name, text), { maxLength: 4 })
      .map((ps) => `{${ps.map(([k, v]) => `${k}=${quote(v)}`).join(', ')}}`),
  },
  { weight: 1, arbitrary: text },
);
const seconds = fc.oneof(
  { weight: 5, arbitrary: fc.bigInt({ min: 0n, max: 2_000_000_000n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { weight: 1, arbitrary: fc.constantFrom(9_000_000_001n, -9_000_000_001n, 2n ** 53n, -(2n ** 53n) - 1n) },
);
const nanos = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 999_999_999 }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
);
const line = fc.oneof(
  text,
  fc.constantFrom(
    '203.0.113.9 - - [01/Dec/2025:10:00:01 +0000] "GET /cart HTTP/1.1" 503 12 "-" "curl/8.0"',
    'level=warn msg="cart total mismatch" user=bob',
    '{"level":"info","msg":"json","n":3}',
  ),
);
const entry = fc.record(
  {
    timestamp: fc.record({ seconds: seconds.map(String), nanos }, { requiredKeys: [] }),
    line,
    structuredMetadata: fc.array(fc.record({ name: fc.oneof(name, text), value: text }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const push = fc.record({
  streams: fc.array(fc.record({ labels, entries: fc.array(entry, { maxLength: 4 }) }), { maxLength: 3 }),
});

describe('Loki PushRequest wire reader', () => {
  it('gives the events (or the refusal) protobufjs and the mapping give (property)', () => {
    const type = pushRequestType();
    fc.assert(
      fc.property(push, (p) => {
        const bytes = new Uint8Array(type.encode(type.fromObject(p)).finish());
        const want = outcome(() => lokiPushToEvents(type.decode(bytes), true, ctx()));
        const got = outcome(() => lokiProtobufToEvents(bytes, ctx()));
        expect(got).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a field given twice as its last, a timestamp whole, and skips unknown fields', () => {
    // streams[0]: labels twice, an unknown varint field 9, one entry whose timestamp comes twice
    // (the second without nanos) and whose line comes twice.
    const ts1 = [0x08, 0x01, 0x10, 0x05]; // seconds 1, nanos 5
    const ts2 = [0x08, 0x02]; // seconds 2
    const lineA = [0x12, 0x01, 0x61]; // "a"
    const lineB = [0x12, 0x01, 0x62]; // "b"
    const entryBytes = [0x0a, ts1.length, ...ts1, ...lineA, 0x0a, ts2.length, ...ts2, ...lineB];
    const l1 = Buffer.from('{a="1"}');
    const l2 = Buffer.from('{job="x"}');
    const streamBytes = [
      0x0a,
      l1.length,
      ...l1,
      0x48,
      0x07,
      0x0a,
      l2.length,
      ...l2,
      0x12,
      entryBytes.length,
      ...entryBytes,
    ];
    const body = new Uint8Array([0x0a, streamBytes.length, ...streamBytes]);
    const want = lokiPushToEvents(pushRequestType().decode(body), true, ctx());
    const got = lokiProtobufToEvents(body, ctx());
    expect(got).toEqual(want);
    expect(got.map((e) => [e.source, e.message, e.ts])).toEqual([['loki{job="x"}', 'b', 2_000_000]]);
  });

  it('ends random and mutated bytes with events or a UserError (fuzz)', () => {
    const type = pushRequestType();
    const seed = type
      .encode(
        type.fromObject({
          streams: [
            {
              labels: '{job="a", host="b"}',
              entries: [
                {
                  timestamp: { seconds: 1764583200, nanos: 5 },
                  line: 'x y z',
                  structuredMetadata: [{ name: 'k', value: 'v' }],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const mutated = fc
      .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
      .map((edits) => {
        const b = new Uint8Array(seed);
        for (const [at, v] of edits) b[at] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        const r = outcome(() => lokiProtobufToEvents(bytes, ctx())) as { error?: string };
        if (r.error !== undefined) expect(r.error).toBe('UserError');
      }),
      { numRuns: 1000 },
    );
  });
});
