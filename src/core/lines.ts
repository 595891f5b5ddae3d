/**
 * Splits a byte stream into lines, in batches, keeping each line's byte offset. Used by every
 * stdin reader; the file tailer has its own scanner with the same rules:
 * a trailing `\r` is dropped, invalid UTF-8 is replaced (U+FFFD), a line longer than
 * `maxLineBytes` is cut at the limit and flagged, and the rest of it skipped.
 */
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_LINE_BYTES } from './defaults.js';

export interface LineBatch {
  lines: string[];
  /** Byte offset of each line's start. */
  offsets: number[];
  /** Indices (into `lines`) of lines cut at the limit. */
  truncated: number[];
}

export interface LineReaderOptions {
  maxLineBytes?: number;
  /** Offset of the stream's first byte. */
  startOffset?: number;
}

/** Yields the lines of `stream` in batches (one per chunk read); the last unterminated line too. */
export async function* readLineBatches(
  stream: Readable,
  opts: LineReaderOptions = {},
): AsyncGenerator<LineBatch> {
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let carry: Buffer | null = null; // bytes of an unfinished line
  let carryStart = opts.startOffset ?? 0; // offset of carry's first byte
  let skipping = false; // inside an over-long line, past its kept part
  let pos = carryStart; // offset of the chunk's first byte
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const batch: LineBatch = { lines: [], offsets: [], truncated: [] };
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) break;
      if (skipping) {
        skipping = false;
      } else if (carry) {
        const line = Buffer.concat([carry, buf.subarray(start, nl)]);
        pushLine(batch, line, 0, line.length, carryStart, max);
        carry = null;
      } else {
        pushLine(batch, buf, start, nl, pos + start, max);
      }
      start = nl + 1;
      carryStart = pos + start;
    }
    if (start < buf.length && !skipping) {
      const rest = buf.subarray(start);
      carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
      if (carry.length > max) {
        pushLine(batch, carry, 0, carry.length, carryStart, max);
        carry = null;
        skipping = true;
      }
    }
    pos += buf.length;
    if (batch.lines.length > 0) yield batch;
  }
  if (carry && carry.length > 0) {
    const batch: LineBatch = { lines: [], offsets: [], truncated: [] };
    pushLine(batch, carry, 0, carry.length, carryStart, max);
    yield batch;
  }
}

function pushLine(
  batch: LineBatch,
  buf: Buffer,
  start: number,
  end: number,
  offset: number,
  max: number,
): void {
  let e = end;
  if (e - start > max) {
    e = start + max;
    batch.truncated.push(batch.lines.length);
  } else if (e > start && buf[e - 1] === 13) {
    e--;
  }
  batch.lines.push(buf.toString('utf8', start, e));
  batch.offsets.push(offset);
}
