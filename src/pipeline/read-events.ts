/**
 * Reads pipe-mode input (stdin, or a file being imported) and yields LogEvent batches, whatever
 * arrived: a log-events stream (from `logpipe parse`), a raw-events stream (from `logpipe
 * collect`, parsed here), or plain log lines (parsed here). A bad NDJSON line is kept as an
 * `unknown` event, never dropped. Plain lines are cut at `maxLineBytes` like a collector's;
 * NDJSON records may be as long as an event carrying such a line can be (ndjsonLineLimit), and
 * one longer is reported by its line number and not stored: cut, it would be garbage.
 */
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_LINE_BYTES } from '../core/defaults.js';
import { UsageError, UserError } from '../core/errors.js';
import type { LogEvent, RawEvent } from '../core/events.js';
import { ndjsonLineLimit, readLineBatches } from '../core/lines.js';
import { BadEventError, decodeLogEvent, decodeRawEvent, parseStreamHeader } from '../core/ndjson.js';
import { type BatchParser, createParser, type ParserOptions } from '../parser/index.js';

/** Room for a stream header line (core/ndjson.ts: under 40 bytes). */
const HEADER_BYTES = 64;

export type InputKind = 'auto' | 'events' | 'raw' | 'lines';
export const INPUT_KINDS: readonly InputKind[] = ['auto', 'events', 'raw', 'lines'];

export interface StdinEventsOptions {
  input: InputKind;
  /** Parser format for raw and plain-line input. */
  format?: string;
  service?: string;
  /** Source id for plain lines. */
  source?: string;
  /** Generation for plain lines; default: unique to this run (see stdinGeneration). */
  generation?: string;
  /** Zone and user patterns for the parser. */
  parser?: ParserOptions;
  /** Refuse input that is already parsed (a log-events header), for `logpipe parse`. */
  refuseEvents?: boolean;
  /** Told about each bad NDJSON line (1-based line number). */
  onBadLine?: (lineNo: number, reason: string) => void;
  /** Plain lines are cut at this (default 1 MiB); NDJSON records may take ndjsonLineLimit of it. */
  maxLineBytes?: number;
  /**
   * Told about each NDJSON record over its limit (1-based line number, the limit in bytes); the
   * record is left out. Without it, such a record is a UsageError naming the line.
   */
  onTooLong?: (lineNo: number, limit: number) => void;
  /**
   * When the lines were read (ms), for events' `received_at`; default: now. An import gives its
   * file's last modification: no line of a finished file was written after it, so a time
   * without a year is placed in the year that does not put it past the file's end, and a
   * 2005 syslog imported today stays in 2005.
   */
  readTimeMs?: number;
}

/** A generation id unique to this run, so two runs piping the same text are both stored. */
export function stdinGeneration(): string {
  return `stdin-${Date.now().toString(36)}-${process.pid}`;
}

/** Yields parsed event batches from a byte stream in pipe-mode format. */
export async function* readEventBatches(
  stream: Readable,
  opts: StdinEventsOptions,
): AsyncGenerator<LogEvent[]> {
  for await (const b of readBatches(stream, opts)) yield 'events' in b ? b.events : b.parse(b.raws);
}

/** A batch read from a stream: events as they came, or raw lines with the parser to read them. */
export type ReadBatch = { events: LogEvent[] } | { raws: RawEvent[]; parse: BatchParser };

/**
 * As `readEventBatches`, but plain lines come as raw events with their parser, for a store to
 * parse as it encodes them (StoreWriter.writeRaw).
 */
export async function* readBatches(stream: Readable, opts: StdinEventsOptions): AsyncGenerator<ReadBatch> {
  if (!INPUT_KINDS.includes(opts.input)) {
    throw new UsageError(`--input must be one of ${INPUT_KINDS.join(', ')}, got "${opts.input}"`);
  }
  const parse = createParser({
    ...opts.parser,
    format: opts.format ?? 'auto',
    service: opts.service ?? null,
  });
  const source = opts.source ?? 'stdin';
  const generation = opts.generation ?? stdinGeneration();
  let kind: InputKind = opts.input;
  let lineNo = 0;
  const lineMax = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const recordMax = ndjsonLineLimit(lineMax);
  // With `auto`, the first line (a header, or a plain line) decides the limit of the rest; it
  // is read whole up to a header's length, so even a tiny limit cannot hide a header.
  const limits =
    kind === 'auto'
      ? {
          maxLineBytes: Math.max(lineMax, HEADER_BYTES),
          limitAfterFirstLine: (first: string) => (parseStreamHeader(first) ? recordMax : lineMax),
        }
      : { maxLineBytes: kind === 'lines' ? lineMax : recordMax };
  for await (const batch of readLineBatches(stream, limits)) {
    let start = 0;
    if (lineNo === 0) {
      const header = parseStreamHeader(batch.lines[0] ?? '');
      if (kind === 'auto')
        kind = header === 'log-events' ? 'events' : header === 'raw-events' ? 'raw' : 'lines';
      // With `--input lines` even a header line is just a line.
      if (header && kind !== 'lines') start = 1;
      if (kind === 'events' && opts.refuseEvents) {
        throw new UsageError(
          'stdin already carries parsed log events (a log-events header); nothing to parse',
        );
      }
    }
    const raws: RawEvent[] = [];
    const events: LogEvent[] = [];
    const now = opts.readTimeMs ?? Date.now();
    let t = 0;
    while (t < batch.truncated.length && batch.truncated[t] < start) t++;
    for (let i = start; i < batch.lines.length; i++) {
      const line = batch.lines[i];
      const n = lineNo + i + 1;
      const truncated = t < batch.truncated.length && batch.truncated[t] === i;
      if (truncated) t++;
      if (kind === 'lines') {
        raws.push({
          source,
          generation,
          offset: batch.offsets[i],
          line,
          received_at: now,
          ...(truncated ? { truncated } : {}),
        });
        continue;
      }
      if (truncated) {
        if (!opts.onTooLong) {
          throw new UsageError(
            `${source} line ${n}: an NDJSON record longer than ${recordMax} bytes, the most an event with a line of ${lineMax} bytes takes`,
          );
        }
        opts.onTooLong(n, recordMax);
        continue;
      }
      if (line === '') continue;
      try {
        if (kind === 'events') events.push(decodeLogEvent(line));
        else raws.push(decodeRawEvent(line));
      } catch (err) {
        if (!(err instanceof BadEventError)) throw err;
        opts.onBadLine?.(n, err.message);
        // Kept as an unknown event with the bad text as its raw line.
        raws.push({
          source,
          generation,
          offset: batch.offsets[i],
          line,
          received_at: now,
          format: 'unknown',
        });
      }
    }
    lineNo += batch.lines.length;
    if (kind === 'lines') {
      if (raws.length > 0) yield { raws, parse };
      continue;
    }
    if (raws.length > 0) events.push(...parse(raws));
    if (events.length > 0) yield { events };
  }
}

/**
 * The error a pipe-mode command ends with, after reading everything else, when it left NDJSON
 * records out for being over the limit: which lines, and the flag that raises the limit.
 */
export function tooLongError(lineNos: number[]): UserError {
  const first = lineNos.slice(0, 10).join(', ');
  const which = `${lineNos.length === 1 ? 'line' : 'lines'} ${first}${lineNos.length > 10 ? ', …' : ''}`;
  return new UserError(
    `${lineNos.length} NDJSON record(s) over the limit were left out (stdin ${which}); give --max-line-bytes the collector's value to carry them`,
  );
}
