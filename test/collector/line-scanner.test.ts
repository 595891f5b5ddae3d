import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EventStamp,
  flushCarry,
  newScanState,
  resumeOffset,
  scanLines,
} from '../../src/collector/line-scanner.js';
import type { RawEvent, TextRun } from '../../src/core/events.js';
import { readLineBatches } from '../../src/core/lines.js';

const stamp: EventStamp = { source: 's', generation: 'g', received_at: 1 };

/**
 * Scans `chunks` one after another, as the tailer does with successive reads, taking at most
 * `limit` events a call (the tailer's batch) and calling again where the last call stopped.
 */
function scanAll(chunks: Buffer[], max: number, flush = false, limit = Number.POSITIVE_INFINITY): RawEvent[] {
  const st = newScanState(0);
  const all: RawEvent[] = [];
  let pos = 0;
  for (const c of chunks) {
    for (let at = 0; at < c.length; ) {
      const out: RawEvent[] = [];
      const runs: TextRun[] = [];
      const next = scanLines(st, c, at, c.length, pos + at, max, stamp, out, limit, runs);
      expectRunsMatch(out, runs);
      all.push(...out);
      at = next;
    }
    pos += c.length;
  }
  if (flush) flushCarry(st, max, stamp, all);
  return all;
}

/** Each run covers events in order, once, and its slices are exactly their lines. */
function expectRunsMatch(out: RawEvent[], runs: TextRun[]): void {
  let next = 0;
  for (const r of runs) {
    expect(r.first).toBeGreaterThanOrEqual(next);
    expect(r.count).toBeGreaterThan(0);
    expect(r.first + r.count).toBeLessThanOrEqual(out.length);
    for (let i = r.first; i < r.first + r.count; i++) {
      const e = out[i];
      expect(r.text.slice(e.offset - r.base, e.offset - r.base + e.line.length)).toBe(e.line);
    }
    next = r.first + r.count;
  }
}

describe('scanLines', () => {
  it('splits lines with offsets, drops \\r, keeps the unfinished line for later', () => {
    const st = newScanState(100);
    const out: RawEvent[] = [];
    const buf = Buffer.from('a\r\nbb\ncc');
    expect(scanLines(st, buf, 0, buf.length, 100, 1000, stamp, out, 10)).toBe(buf.length);
    expect(out.map((e) => [e.line, e.offset])).toEqual([
      ['a', 100],
      ['bb', 103],
    ]);
    expect(resumeOffset(st)).toBe(106);
    const more = Buffer.from('c\n');
    scanLines(st, more, 0, more.length, 108, 1000, stamp, out, 10);
    expect(out[2]).toMatchObject({ line: 'ccc', offset: 106, source: 's', generation: 'g' });
    expect(resumeOffset(st)).toBe(110);
  });

  it('stops at the limit and returns where it stopped', () => {
    const st = newScanState(0);
    const out: RawEvent[] = [];
    const buf = Buffer.from('1\n2\n3\n');
    expect(scanLines(st, buf, 0, buf.length, 0, 1000, stamp, out, 2)).toBe(4);
    expect(out.map((e) => e.line)).toEqual(['1', '2']);
    expect(resumeOffset(st)).toBe(4);
  });

  it('notes the ASCII runs it decodes whole, so their lines can travel as one text', () => {
    const st = newScanState(0);
    const out: RawEvent[] = [];
    const runs: TextRun[] = [];
    const buf = Buffer.from('ab\r\ncdé\nef\ngh\n');
    scanLines(st, buf, 0, buf.length, 50, 1000, stamp, out, 10, runs);
    expect(out.map((e) => e.line)).toEqual(['ab', 'cdé', 'ef', 'gh']);
    // Not ASCII, so not a run: the lines are decoded one by one.
    expect(runs).toEqual([]);
    const ascii = Buffer.from('ab\r\ncd\nef');
    const more: RawEvent[] = [];
    scanLines(newScanState(0), ascii, 0, ascii.length, 50, 1000, stamp, more, 10, runs);
    expect(runs).toEqual([{ text: 'ab\r\ncd', first: 0, count: 2, base: 50 }]);
    expectRunsMatch(more, runs);
  });

  it('cuts an over-long line split across chunks, flags it, and skips its rest', () => {
    const out = scanAll([Buffer.from('xxxx'), Buffer.from('xxxx'), Buffer.from('xx\nok\n')], 5);
    expect(out.map((e) => [e.line, e.offset, e.truncated ?? false])).toEqual([
      ['xxxxx', 0, true],
      ['ok', 11, false],
    ]);
  });

  // Random bytes, and ASCII text (lines decoded a run at a time), with batch limits.
  it('matches core/lines.ts on any bytes split anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .uint8Array({ maxLength: 300 })
          .map((a) => Buffer.from(a.map((b) => (b % 7 === 0 ? 10 : b % 11 === 0 ? 13 : b)))),
        fc.boolean(),
        fc.array(fc.nat(300), { maxLength: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 1, max: 5 })),
        async (bytes, ascii, cuts, max, limit) => {
          const data = ascii ? Buffer.from(bytes.map((b) => b % 128)) : bytes;
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, data.length]) {
            if (p > prev) chunks.push(data.subarray(prev, p));
            prev = p;
          }
          const mine = scanAll(chunks, max, true, limit).map((e) => [e.line, e.offset, e.truncated ?? false]);
          const ref: unknown[] = [];
          for await (const b of readLineBatches(Readable.from(chunks.length ? chunks : []), {
            maxLineBytes: max,
          })) {
            for (const [i, l] of b.lines.entries()) ref.push([l, b.offsets[i], b.truncated.includes(i)]);
          }
          expect(mine).toEqual(ref);
        },
      ),
      { numRuns: 600 },
    );
  });
});
