/**
 * The encode pool: raw events parsed and encoded as segment rows on worker threads come back
 * byte for byte as the pipeline's thread would have encoded them, in submission order.
 */
import { describe, expect, it } from 'vitest';
import type { RawEvent, TextRun } from '../../src/core/events.js';
import { createParser } from '../../src/parser/index.js';
import { createEncodePool, pack } from '../../src/pipeline/encode-pool.js';
import { addEvents, type EncodedRows, eventRows } from '../../src/storage/duckdb/event-columns.js';
import { columnStrings } from '../../src/storage/parquet/column-buffers.js';

const ev = (source: string, line: string, offset: number, extra: Partial<RawEvent> = {}): RawEvent => ({
  source,
  generation: `gen-${source}`,
  offset,
  line,
  received_at: 1_764_244_800_000,
  ...extra,
});

/** Every column's values as plain data, for comparing two encodings. */
function columnsOf(rows: EncodedRows['rows']): unknown[] {
  const b = rows.columns;
  return b.columns.map((c) => {
    if (c.kind === 'number')
      return [...c.values.subarray(0, b.rows)].map((v, i) => (c.present[i] ? v : null));
    return columnStrings(c, b.rows);
  });
}

describe('createEncodePool', () => {
  it('encodes on workers exactly what the pipeline thread would, keys and all', async () => {
    const pool = createEncodePool({ threads: 2 });
    try {
      const events: RawEvent[] = [];
      for (let i = 0; i < 500; i++) {
        const line =
          i % 3 === 0
            ? `{"msg":"m${i} ünï","level":"warn","latency_ms":${i}}`
            : i % 3 === 1
              ? `127.0.0.1 - - [02/Dec/2026:10:00:00 +0000] "GET /p/${i} HTTP/1.1" ${200 + (i % 5) * 100} ${i} "-" "curl/8"`
              : `plain text line ${i}`;
        events.push(ev(`src-${i % 4}`, line, i * 100, i === 7 ? { host: 'h7', truncated: true } : {}));
      }
      const rows = await pool.encode(events, { service: 'web' });
      expect(rows.count).toBe(500);
      const inline = eventRows();
      addEvents(inline, createParser({ service: 'web' })(events));
      expect(columnsOf(rows.rows)).toEqual(columnsOf(inline));
      expect([...rows.rows.keyOf.subarray(0, 500)].map((k) => rows.rows.keys[k])).toEqual(
        events.map((e) => `${e.source}\0${e.generation}`),
      );
    } finally {
      await pool.close();
    }
  });

  it('takes lines from the texts of their runs, and the rest one by one, extras and all', async () => {
    // Two runs of sliced lines with lines between, before and after them that are not in a run.
    const access = (i: number) =>
      `10.0.0.${i % 250} - - [02/Dec/2026:10:00:00 +0000] "GET /r/${i} HTTP/1.1" 200 ${i} "-" "ua ${i % 3}"`;
    const events: RawEvent[] = [];
    const runs: TextRun[] = [];
    let offset = 1000;
    const run = (count: number, extra: Partial<RawEvent>) => {
      const parts: string[] = [];
      const first = events.length;
      const base = offset;
      for (let i = 0; i < count; i++) parts.push(access(first + i));
      const text = parts.join('\r\n');
      let at = 0;
      for (const line of parts) {
        events.push(ev('a.log', text.slice(at, at + line.length), base + at, extra));
        at += line.length + 2;
      }
      offset = base + text.length + 2;
      runs.push({ text, first, count, base });
    };
    const alone = (line: string, extra: Partial<RawEvent> = {}) => {
      events.push(ev('a.log', line, offset, extra));
      offset += Buffer.byteLength(line) + 1;
    };
    alone('first, not in a run: ünï');
    run(300, { service: 'web' });
    alone(access(9999), { service: 'web', host: 'h2' });
    alone('{"msg":"between"}', { format: 'json' });
    run(200, {});
    alone('last line', { truncated: true });
    const req = pack(0, events, {}, runs);
    // Only the lines outside runs travel one by one; the extras are named once each.
    expect(req.texts).toHaveLength(2);
    expect(req.lines).toHaveLength(4);
    expect(req.extras).toHaveLength(4);
    const pool = createEncodePool({ threads: 1 });
    try {
      const rows = await pool.encode(events, {}, runs);
      const inline = eventRows();
      addEvents(inline, createParser({})(events));
      expect(rows.count).toBe(events.length);
      expect(columnsOf(rows.rows)).toEqual(columnsOf(inline));
    } finally {
      await pool.close();
    }
  });

  it('resolves batches in submission order across workers', async () => {
    const pool = createEncodePool({ threads: 3, format: 'json' });
    try {
      const order: number[] = [];
      const jobs = [];
      for (let b = 0; b < 12; b++) {
        const size = b % 2 ? 3000 : 1;
        const batch = Array.from({ length: size }, (_, i) => ev('s', `{"b":${b}}`, i));
        jobs.push(pool.encode(batch).then((r) => order.push(b) && r.count));
      }
      expect(await Promise.all(jobs)).toEqual(Array.from({ length: 12 }, (_, b) => (b % 2 ? 3000 : 1)));
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect((await pool.encode([])).count).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('checks options before starting threads, and refuses work once closed', async () => {
    expect(() => createEncodePool({ threads: 0 })).toThrow(/whole number >= 1/);
    expect(() => createEncodePool({ threads: 1, format: 'nope' })).toThrow(/unknown format "nope"/);
    const pool = createEncodePool({ threads: 1 });
    await pool.close();
    await expect(pool.encode([ev('s', 'x', 0)])).rejects.toThrow(/closed/);
  });
});
