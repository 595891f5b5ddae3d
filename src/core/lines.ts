/**
 * Splits a byte stream into lines, in batches, keeping each line's byte offset. Used by every
 * stdin reader; the file tailer has its own scanner with the same rules:
 * a trailing `\r` is dropped, invalid UTF-8 is replaced (U+FFFD), a line longer than
 * `maxLineBytes` is cut at the limit and flagged, and the rest of it skipped. An unfinished line
 * is kept as the chunks it came in and joined once, when its newline arrives, so a long line
 * costs its length, not its length squared.
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
  /**
   * Picks the limit for every line after the first, once the first is read: a pipe-mode reader
   * learns from a stream's header line whether NDJSON records follow (see ndjsonLineLimit).
   */
  limitAfterFirstLine?: (first: string) => number;
}

/** JSON writes a byte as at most 6 (`\u0001`). */
const JSON_ESCAPE_GROWTH = 6;
/**
 * Copies of a line an NDJSON record may hold: a parsed event carries it as `raw`, again as
 * `message` (all of it, when the format is unknown), and its parts as `fields`.
 */
const LINE_COPIES = 3;
/** Room for the rest of an event: source, generation, times, level, service, host, keys. */
const NDJSON_ENVELOPE_BYTES = 64 * 1024;

/**
 * The longest NDJSON record (a raw or parsed event) that carries a line of up to `maxLineBytes`:
 * each copy of the line escaped at worst, plus the envelope. Pipe-mode readers take NDJSON with
 * this limit, so whatever a collector with that line limit sends crosses every pipe intact.
 */
export function ndjsonLineLimit(maxLineBytes: number): number {
  return LINE_COPIES * JSON_ESCAPE_GROWTH * maxLineBytes + NDJSON_ENVELOPE_BYTES;
}

/** Yields the lines of `stream` in batches (one per chunk read); the last unterminated line too. */
export async function* readLineBatches(
  stream: Readable,
  opts: LineReaderOptions = {},
): AsyncGenerator<LineBatch> {
  let max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let pickLimit = opts.limitAfterFirstLine ?? null;
  let parts: Buffer[] = []; // the chunks of an unfinished line (copies)
  let partsLen = 0;
  let carryStart = opts.startOffset ?? 0; // offset of the unfinished line's first byte
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
      } else if (partsLen > 0) {
        parts.push(buf.subarray(start, nl));
        const line = Buffer.concat(parts, partsLen + nl - start);
        parts = [];
        partsLen = 0;
        pushLine(batch, line, 0, line.length, carryStart, max);
      } else {
        pushLine(batch, buf, start, nl, pos + start, max);
      }
      if (pickLimit !== null && batch.lines.length > 0) {
        max = pickLimit(batch.lines[0]);
        pickLimit = null;
      }
      start = nl + 1;
      carryStart = pos + start;
    }
    if (start < buf.length && !skipping) {
      // Keep at most one byte past the limit: enough to know the line must be cut.
      const take = Math.min(buf.length - start, max + 1 - partsLen);
      parts.push(Buffer.from(buf.subarray(start, start + take)));
      partsLen += take;
      if (partsLen > max) {
        const line = Buffer.concat(parts, partsLen);
        parts = [];
        partsLen = 0;
        pushLine(batch, line, 0, line.length, carryStart, max);
        skipping = true;
        if (pickLimit !== null) {
          max = pickLimit(batch.lines[0]);
          pickLimit = null;
        }
      }
    }
    pos += buf.length;
    if (batch.lines.length > 0) yield batch;
  }
  if (partsLen > 0) {
    const batch: LineBatch = { lines: [], offsets: [], truncated: [] };
    const line = Buffer.concat(parts, partsLen);
    pushLine(batch, line, 0, line.length, carryStart, max);
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
