import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import type * as Workers from '../../src/parser/workers.js';

// The worker entry runs from the built dist/ (compiled .js next to workers.js), as in production.
const { createParserPool } = (await import('../../dist/src/parser/workers.js' as string)) as typeof Workers;

const ev = (source: string, line: string, offset: number): RawEvent => ({
  source,
  generation: 'g',
  offset,
  line,
  received_at: 1_764_244_800_000,
});

describe('createParserPool', () => {
  it('parses on workers, keeping input order across sources', async () => {
    const pool = createParserPool({ threads: 2 });
    try {
      const events: RawEvent[] = [];
      for (let i = 0; i < 300; i++) {
        events.push(ev(`src-${i % 7}`, i % 2 ? `{"msg":"m${i}"}` : `plain ${i}`, i));
      }
      const out = await pool.parse(events);
      expect(out.map((e) => e.offset)).toEqual(events.map((e) => e.offset));
      expect(out.map((e) => e.raw)).toEqual(events.map((e) => e.line));
      expect(out[1]).toMatchObject({ format: 'json', message: 'm1' });
    } finally {
      await pool.close();
    }
  });

  it('resolves batches in submission order', async () => {
    const pool = createParserPool({ threads: 3, format: 'json' });
    try {
      const order: number[] = [];
      const jobs = [];
      for (let b = 0; b < 10; b++) {
        const size = b % 2 ? 2000 : 1;
        const batch = Array.from({ length: size }, (_, i) => ev(`s${(b + i) % 5}`, '{"a":1}', i));
        jobs.push(pool.parse(batch).then((r) => order.push(b) && r.length));
      }
      const sizes = await Promise.all(jobs);
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(sizes).toEqual([1, 2000, 1, 2000, 1, 2000, 1, 2000, 1, 2000]);
      expect(await pool.parse([])).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('keeps per-source detection state on one worker', async () => {
    const pool = createParserPool({ threads: 4 });
    try {
      // Each source sticks to logfmt; the ambiguous `a=1 b=2 rest` lines go to the winner, not kv.
      const first = await pool.parse(['s1', 's2', 's3', 's4', 's5'].map((s, i) => ev(s, 'a=1 b=2', i)));
      expect(first.every((e) => e.format === 'logfmt')).toBe(true);
      const second = await pool.parse(['s1', 's2', 's3', 's4', 's5'].map((s, i) => ev(s, 'x=1 y=2', i)));
      expect(second.every((e) => e.format === 'logfmt')).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('also runs when imported from source (using the compiled worker in dist/)', async () => {
    const src = await import('../../src/parser/workers.js');
    const pool = src.createParserPool({ threads: 1 });
    try {
      const [e] = await pool.parse([ev('s', '{"msg":"hi"}', 0)]);
      expect(e).toMatchObject({ format: 'json', message: 'hi', raw: '{"msg":"hi"}' });
    } finally {
      await pool.close();
    }
  });

  it('checks options before starting threads, and refuses work once closed', async () => {
    // dist/ has its own copy of the error classes: compare by name.
    expect(() => createParserPool({ threads: 0 })).toThrow(expect.objectContaining({ name: 'UsageError' }));
    expect(() => createParserPool({ threads: 1, format: 'nope' })).toThrow(/unknown format "nope"/);
    const pool = createParserPool({ threads: 1 });
    await pool.close();
    await expect(pool.parse([ev('s', 'x', 0)])).rejects.toThrow(/closed/);
  });
});
