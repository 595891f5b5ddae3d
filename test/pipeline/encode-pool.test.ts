/**
 * The encode pool: raw events parsed and encoded as segment rows on worker threads come back
 * byte for byte as the pipeline's thread would have encoded them, in submission order.
 */
import { describe, expect, it } from 'vitest';
import { newScanState, scanLines } from '../../src/collector/line-scanner.js';
import type { RawEvent } from '../../src/core/events.js';
import { blockEvents, newLineBlock } from '../../src/core/line-block.js';
import { createParser } from '../../src/parser/index.js';
import { createEncodePool, pack } from '../../src/pipeline/encode-pool.js';
import { columnStrings } from '../../src/storage/parquet/column-buffers.js';
import { addEvents, type EncodedRows, eventRows } from '../../src/storage/rows/event-columns.js';

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

  it("adds up the workers' counts of events given their read time, by format", async () => {
    const pool = createEncodePool({ threads: 2 });
    try {
      const batch = (k: number) => [
        ev(`s${k}`, 'no time here', 0),
        ev(`s${k}`, '{"msg":"nor here"}', 20),
        ev(`s${k}`, '2026-11-27 12:00:00 INFO timed', 40),
      ];
      // Two batches, one to each worker.
      await Promise.all([pool.encode(batch(1)), pool.encode(batch(2))]);
      expect(pool.readTime).toEqual({ unknown: 2, json: 2 });
    } finally {
      await pool.close();
    }
  });

  it("takes a file's block of lines, moved to the worker, and encodes it as its events", async () => {
    const access = (i: number) =>
      `10.0.0.${i % 250} - - [02/Dec/2026:10:00:00 +0000] "GET /r/${i} HTTP/1.1" 200 ${i} "-" "ua ${i % 3}"`;
    const blocks = [true, false].map((ascii) => {
      const parts: string[] = [];
      for (let i = 0; i < 700; i++) {
        if (i === 5 && !ascii) parts.push('not ascii: ünï');
        else if (i === 9) parts.push(`${access(i)} and more, cut`);
        else if (i % 50 === 7) parts.push(`{"msg":"json ${i}"}\r`);
        else parts.push(access(i));
      }
      const bytes = Buffer.from(`${parts.join('\n')}\n`);
      const block = newLineBlock({ source: 'a.log', generation: 'g', received_at: 1, service: 'web' }, 1, 1);
      scanLines(newScanState(1000), bytes, 0, bytes.length, 1000, access(9).length + 10, block, 10_000);
      return block;
    });
    const pool = createEncodePool({ threads: 1 });
    try {
      for (const block of blocks) {
        const events = blockEvents(block);
        expect(events.filter((e) => e.truncated)).toHaveLength(1);
        const inline = eventRows();
        addEvents(inline, createParser({})(events));
        const rows = await pool.encode(block);
        expect(rows.count).toBe(700);
        expect(columnsOf(rows.rows)).toEqual(columnsOf(inline));
        // Read where it is, then recycled for the next block: its events can no longer be made.
        expect(() => blockEvents(block)).toThrow(/buffers reused/);
        const next = newLineBlock({ source: 'b.log', generation: 'g', received_at: 1 }, 1, 1);
        expect(next.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
      }
    } finally {
      await pool.close();
    }
  });

  it('writes later rows into the memory of rows released, and only of those', async () => {
    const pool = createEncodePool({ threads: 1 });
    const batch = (b: number) =>
      Array.from({ length: 300 }, (_, i) => ev('s', `{"msg":"batch ${b} line ${i}","n":${i}}`, i));
    const inline = (b: number) => {
      const rows = eventRows();
      addEvents(rows, createParser({})(batch(b)));
      return columnsOf(rows);
    };
    const memory = (r: EncodedRows) => r.rows.keyOf.buffer;
    // Whether two rows' views are on the same memory (a shared buffer comes back from the worker
    // as a new object over it).
    const same = (a: EncodedRows, b: EncodedRows) => {
      const x = new Uint8Array(memory(a));
      const y = new Uint8Array(memory(b));
      if (x.length !== y.length) return false;
      const was = x[x.length - 1];
      y[y.length - 1] = was ^ 0xff;
      const shared = x[x.length - 1] !== was;
      y[y.length - 1] = was;
      return shared;
    };
    try {
      const first = await pool.encode(batch(0));
      expect(memory(first)).toBeInstanceOf(SharedArrayBuffer);
      const kept = await pool.encode(batch(1));
      expect(same(kept, first)).toBe(false);
      pool.release(first);
      const second = await pool.encode(batch(2));
      expect(same(second, first)).toBe(true);
      expect(columnsOf(second.rows)).toEqual(inline(2));
      // Rows not released keep their memory: still the batch they were.
      expect(columnsOf(kept.rows)).toEqual(inline(1));
    } finally {
      await pool.close();
    }
  });

  it('sends other batches in columns, each set of extras named once', () => {
    const events = [
      ev('a', 'one', 0, { service: 'web' }),
      ev('a', 'two', 4, { service: 'web' }),
      ev('b', 'three', 0),
      ev('a', 'four', 8, { host: 'h', truncated: true }),
    ];
    const cols = pack(events);
    expect(cols.lines).toEqual(['one', 'two', 'three', 'four']);
    expect(cols.sources).toEqual(['a', 'b']);
    expect([...cols.extraOf]).toEqual([0, 0, -1, 1]);
    expect(cols.extras).toEqual([
      { format: undefined, host: undefined, service: 'web', truncated: undefined },
      { format: undefined, host: 'h', service: undefined, truncated: true },
    ]);
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
