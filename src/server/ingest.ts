/**
 * What `POST /api/ingest` accepts: a log-events stream (from `logpipe parse`), a raw-events
 * stream (from `logpipe collect`), or plain log lines — NDJSON application logs included —
 * which are parsed here; raw-lines bodies go to the store's batch with `parserFor`'s parser. A
 * bad line in an events stream rejects the whole request, naming the line, so the sender can
 * fix and resend it; plain lines are never rejected (unknown ones are kept). The two streams name
 * their events' identities, so only logpipe's components may send them (server/link-auth.ts);
 * plain lines get theirs here: the source the request names (a label), a generation of their own
 * per request, and byte offsets within the request.
 */

import { UserError } from '../core/errors.js';
import type { LogEvent, RawEvent } from '../core/events.js';
import { BadEventError, decodeLogEvent, decodeRawEvent, parseStreamHeader } from '../core/ndjson.js';
import { type BatchParser, createParser, type ParserOptions } from '../parser/index.js';

export interface IngestOptions {
  /** Parser for plain lines and raw events; default `auto`. */
  format?: string;
  /** Source id for plain lines; default `http`. */
  source?: string;
  service?: string;
  /** Zone and user patterns for the parser. */
  parser?: ParserOptions;
  /** A long-lived parser to use instead of one made for this body (detection then sticks per source). */
  parse?: BatchParser;
  /**
   * Called with what the body is when it is an internal stream (events naming their own
   * identities); throws when the sender may not send one. Absent: every stream is taken.
   */
  requireComponent?: (what: string) => void;
  /** Told the parser a body's lines were parsed with, once they are (for its counts). */
  parsedWith?: (parse: BatchParser) => void;
}

/** Decodes a request body into events; throws UserError naming a bad line. */
export function decodeIngestBody(text: string, opts: IngestOptions = {}): LogEvent[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const kind = parseStreamHeader(lines[0] ?? '');
  if (kind !== null) opts.requireComponent?.(`a ${kind} stream`);
  if (kind === 'log-events') return decodeAll(lines, decodeLogEvent);
  const parse = parserFor(opts);
  if (kind === 'raw-events') {
    const events = parse(decodeAll(lines, decodeRawEvent));
    opts.parsedWith?.(parse);
    return events;
  }
  // Plain lines: each request is its own generation of the source, offsets are byte offsets in it.
  const source = opts.source ?? 'http';
  const generation = `http-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const now = Date.now();
  const raws: RawEvent[] = [];
  let offset = 0;
  for (const line of lines) {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    raws.push({ source, generation, offset, line: clean, received_at: now });
    offset += Buffer.byteLength(line) + 1;
  }
  const events = parse(raws);
  opts.parsedWith?.(parse);
  return events;
}

/** The parser a body is read with: the long-lived one given, or one for this body's options. */
export function parserFor(opts: IngestOptions): BatchParser {
  return (
    opts.parse ??
    createParser({
      ...opts.parser,
      format: opts.format ?? 'auto',
      service: opts.service ?? null,
    })
  );
}

function decodeAll<T>(lines: string[], decode: (line: string) => T): T[] {
  const out: T[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    try {
      out.push(decode(lines[i]));
    } catch (err) {
      if (err instanceof BadEventError) throw new UserError(`line ${i + 1}: ${err.message}`);
      throw err;
    }
  }
  return out;
}
