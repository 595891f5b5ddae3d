import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type LineBatch, ndjsonLineLimit, readLineBatches } from '../../src/core/lines.js';

async function collect(chunks: (string | Buffer)[], maxLineBytes?: number): Promise<LineBatch> {
  const out: LineBatch = { lines: [], offsets: [], truncated: [] };
  const stream = Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  for await (const b of readLineBatches(stream, { maxLineBytes })) {
    for (const t of b.truncated) out.truncated.push(out.lines.length + t);
    out.lines.push(...b.lines);
    out.offsets.push(...b.offsets);
  }
  return out;
}

describe('readLineBatches', () => {
  it('splits lines across chunks and keeps byte offsets', async () => {
    const r = await collect(['ab\ncd', 'e\r\n', 'é\nlast']);
    expect(r.lines).toEqual(['ab', 'cde', 'é', 'last']);
    expect(r.offsets).toEqual([0, 3, 8, 11]);
  });

  it('replaces invalid UTF-8 instead of failing', async () => {
    const r = await collect([Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a, 0x63, 0x0a])]);
    expect(r.lines).toEqual(['a\ufffd\ufffdb', 'c']);
  });

  it('cuts an over-long line, flags it, and keeps the lines after it', async () => {
    const r = await collect(['x'.repeat(10), 'y'.repeat(10), '\nok\n', 'z'.repeat(30), '\nfine\n'], 8);
    expect(r.lines).toEqual(['xxxxxxxx', 'ok', 'zzzzzzzz', 'fine']);
    expect(r.truncated).toEqual([0, 2]);
    expect(r.offsets).toEqual([0, 21, 24, 55]);
  });

  it('keeps empty lines', async () => {
    const r = await collect(['a\n\nb\n']);
    expect(r.lines).toEqual(['a', '', 'b']);
  });

  it('takes the limit for the lines after the first from what the first line is', async () => {
    const read = async (first: string) => {
      const lines: string[] = [];
      const stream = Readable.from([Buffer.from(`${first}\n${'a'.repeat(30)}\n`)]);
      for await (const b of readLineBatches(stream, {
        maxLineBytes: 8,
        limitAfterFirstLine: (l) => (l === 'HEADER' ? 100 : 8),
      })) {
        lines.push(...b.lines);
      }
      return lines.map((l) => l.length);
    };
    expect(await read('HEADER')).toEqual([6, 30]);
    expect(await read('plain')).toEqual([5, 8]);
  });

  it('allows an NDJSON record room for every copy of a line, escaped at worst, plus its envelope', () => {
    expect(ndjsonLineLimit(1024 * 1024)).toBe(18 * 1024 * 1024 + 64 * 1024);
  });
});
