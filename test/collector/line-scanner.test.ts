import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flushCarry, newScanState, resumeOffset, scanLines } from '../../src/collector/line-scanner.js';
import type { RawEvent } from '../../src/core/events.js';
import { blockEvents, type LineBlock, type LineStamp, newLineBlock } from '../../src/core/line-block.js';
import { readLineBatches } from '../../src/core/lines.js';

const stamp: LineStamp = { source: 's', generation: 'g', received_at: 1 };

/** A block small enough that every test makes it grow. */
const block = (): LineBlock => newLineBlock(stamp, 1, 1);

/**
 * Scans `chunks` one after another, as the tailer does with successive reads, taking at most
 * `limit` lines a call (the tailer's batch) into a block of their own, and calling again where
 * the last call stopped.
 */
function scanAll(chunks: Buffer[], max: number, flush = false, limit = Number.POSITIVE_INFINITY): RawEvent[] {
  const st = newScanState(0);
  const all: RawEvent[] = [];
  let pos = 0;
  for (const c of chunks) {
    for (let at = 0; at < c.length; ) {
      const out = block();
      const next = scanLines(st, c, at, c.length, pos + at, max, out, limit);
      expect(out.count).toBeLessThanOrEqual(limit);
      all.push(...blockEvents(out));
      at = next;
    }
    pos += c.length;
  }
  if (flush) {
    const out = block();
    flushCarry(st, max, out);
    all.push(...blockEvents(out));
  }
  return all;
}

describe('scanLines', () => {
  it('splits lines with offsets, drops \\r, keeps the unfinished line for later', () => {
    const st = newScanState(100);
    const out = block();
    const buf = Buffer.from('a\r\nbb\ncc');
    expect(scanLines(st, buf, 0, buf.length, 100, 1000, out, 10)).toBe(buf.length);
    expect(blockEvents(out).map((e) => [e.line, e.offset])).toEqual([
      ['a', 100],
      ['bb', 103],
    ]);
    expect(resumeOffset(st)).toBe(106);
    const more = Buffer.from('c\n');
    scanLines(st, more, 0, more.length, 108, 1000, out, 10);
    expect(blockEvents(out)[2]).toMatchObject({ line: 'ccc', offset: 106, source: 's', generation: 'g' });
    expect(resumeOffset(st)).toBe(110);
  });

  it('stops at the limit and returns where it stopped', () => {
    const st = newScanState(0);
    const out = block();
    const buf = Buffer.from('1\n2\n3\n');
    expect(scanLines(st, buf, 0, buf.length, 0, 1000, out, 2)).toBe(4);
    expect(blockEvents(out).map((e) => e.line)).toEqual(['1', '2']);
    expect(resumeOffset(st)).toBe(4);
  });

  it("copies a read's lines into the block in one piece, and knows when it is all ASCII", () => {
    const out = block();
    const buf = Buffer.from('ab\r\ncd\nef');
    scanLines(newScanState(0), buf, 0, buf.length, 50, 1000, out, 10);
    // The lines' bytes as read (newlines and all), up to the last complete line's end.
    expect(Buffer.from(out.bytes.subarray(0, out.used)).toString()).toBe('ab\r\ncd');
    expect([...out.starts.subarray(0, out.count)]).toEqual([0, 4]);
    expect([...out.lengths.subarray(0, out.count)]).toEqual([2, 2]);
    expect([...out.offsets.subarray(0, out.count)]).toEqual([50, 54]);
    expect(out.ascii).toBe(true);
    const utf8 = block();
    const bytes = Buffer.from('ab\ncdé\n');
    scanLines(newScanState(0), bytes, 0, bytes.length, 0, 1000, utf8, 10);
    expect(utf8.ascii).toBe(false);
    expect(blockEvents(utf8).map((e) => e.line)).toEqual(['ab', 'cdé']);
  });

  it("makes events with the stamp's extras, and flags cut lines", () => {
    const out = newLineBlock({ ...stamp, host: 'h', service: 'web', format: 'json' }, 1, 1);
    const buf = Buffer.from('0123456789\nok\n');
    scanLines(newScanState(0), buf, 0, buf.length, 0, 4, out, 10);
    expect(out.cut).toEqual([0]);
    expect(blockEvents(out)).toEqual([
      { ...stamp, host: 'h', service: 'web', format: 'json', offset: 0, line: '0123', truncated: true },
      { ...stamp, host: 'h', service: 'web', format: 'json', offset: 11, line: 'ok' },
    ]);
    expect(blockEvents(out, 1).map((e) => e.line)).toEqual(['ok']);
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
