/**
 * The NDJSON wire format between components in pipe mode (`collect | parse | store`). A stream
 * starts with a header line naming what follows, so `parse` can tell collector output from
 * plain log lines; events are one JSON object per line, times as ISO 8601 text (epoch microseconds
 * on the HTTP links between processes, where a decoder accepts either). The decoders check every
 * member they take: a member of the wrong type or out of range is an error naming it, never a
 * default quietly put in its place.
 */

import { UserError } from './errors.js';
import type { LogEvent, RawEvent } from './events.js';
import { LEVELS } from './events.js';
import { formatMicros, parseIsoMicros } from './time.js';
import { isWellFormed } from './well-formed.js';

/** Receive times are epoch ms from 1970 up to the last a Date holds. */
const MAX_RECEIVED_MS = 8.64e15;

export type StreamKind = 'raw-events' | 'log-events';

/** The header line that opens a stream of `kind` (no log line starts with this key). */
export function streamHeader(kind: StreamKind): string {
  return `{"$logpipe":"${kind}","version":1}`;
}

/** Recognises a header line; returns its kind, or null for anything else. */
export function parseStreamHeader(line: string): StreamKind | null {
  if (!line.startsWith('{"$logpipe":')) return null;
  if (line === streamHeader('raw-events')) return 'raw-events';
  if (line === streamHeader('log-events')) return 'log-events';
  return null;
}

/** One RawEvent as an NDJSON line (without newline). */
export function encodeRawEvent(e: RawEvent): string {
  return JSON.stringify(e);
}

/** One LogEvent as an NDJSON line, `ts` as ISO text with microseconds. */
export function encodeLogEvent(e: LogEvent): string {
  return JSON.stringify({ ...e, ts: formatMicros(e.ts) });
}

/**
 * One LogEvent as an NDJSON line with `ts` as epoch microseconds: for links between processes,
 * where nobody reads the text and formatting and re-parsing ISO times cost more than the rest.
 */
export function encodeLogEventMicros(e: LogEvent): string {
  return JSON.stringify(e);
}

/** A line of NDJSON that is not the event it should be. */
export class BadEventError extends UserError {
  override name = 'BadEventError';
}

/** Decodes a RawEvent line; throws BadEventError naming what is wrong. */
export function decodeRawEvent(line: string): RawEvent {
  const o = parseObject(line);
  if (typeof o.line !== 'string') throw new BadEventError('raw event without a string "line"');
  const received = o.received_at ?? Date.now();
  if (typeof received !== 'number' || !(received >= 0 && received <= MAX_RECEIVED_MS)) {
    throw new BadEventError(`"received_at" must be epoch milliseconds, got ${shown(received)}`);
  }
  if (o.truncated !== undefined && typeof o.truncated !== 'boolean') {
    throw new BadEventError('"truncated" must be true or false');
  }
  const host = optionalString(o, 'host');
  const service = optionalString(o, 'service');
  const format = optionalString(o, 'format');
  return {
    source: identity(o, 'source', 'stdin'),
    generation: identity(o, 'generation', ''),
    offset: offsetOf(o),
    line: o.line,
    received_at: received,
    ...(host !== undefined ? { host } : {}),
    ...(service !== undefined ? { service } : {}),
    ...(format !== undefined ? { format } : {}),
    ...(o.truncated === true ? { truncated: true } : {}),
  };
}

/** Decodes a LogEvent line; throws BadEventError naming what is wrong. */
export function decodeLogEvent(line: string): LogEvent {
  const o = parseObject(line);
  const ts = typeof o.ts === 'number' ? o.ts : typeof o.ts === 'string' ? parseIsoMicros(o.ts) : Number.NaN;
  // Stored as whole µs: beyond 2^53 they are no longer exact (and no longer a time DuckDB writes).
  if (!(Math.abs(ts) <= Number.MAX_SAFE_INTEGER)) throw new BadEventError('log event without a valid "ts"');
  const message = optionalString(o, 'message');
  const raw = optionalString(o, 'raw');
  if (raw === undefined && message === undefined) {
    throw new BadEventError('log event without "raw" or "message"');
  }
  const level = (LEVELS as readonly string[]).includes(o.level as string)
    ? (o.level as LogEvent['level'])
    : 'unknown';
  return {
    ts,
    level,
    service: optionalString(o, 'service', true) ?? null,
    host: optionalString(o, 'host', true) ?? null,
    source: identity(o, 'source', 'stdin'),
    generation: identity(o, 'generation', ''),
    offset: offsetOf(o),
    format: optionalString(o, 'format') ?? 'unknown',
    message: message ?? (raw as string),
    fields: fieldsOf(o.fields),
    raw: raw ?? (message as string),
  };
}

/** Member `key` when it is a string; undefined when absent (or null, if `nullable`); else an error. */
function optionalString(o: Record<string, unknown>, key: string, nullable = false): string | undefined {
  const v = o[key];
  if (v === undefined || (nullable && v === null)) return undefined;
  if (typeof v !== 'string') throw new BadEventError(`"${key}" must be a string`);
  return v;
}

/**
 * A source or generation: together with the offset, what tells events apart; the store keys its
 * committed offsets by them, so they must come back the same from UTF-8 (no lone surrogates).
 */
function identity(o: Record<string, unknown>, key: string, absent: string): string {
  const v = optionalString(o, key) ?? absent;
  if (!isWellFormed(v)) throw new BadEventError(`"${key}" holds a lone surrogate`);
  return v;
}

/** The offset: a whole number of bytes, 0 when absent. */
function offsetOf(o: Record<string, unknown>): number {
  const v = o.offset ?? 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new BadEventError(`"offset" must be a whole number >= 0, got ${shown(v)}`);
  }
  return v;
}

/** Fields: an object of strings, numbers and booleans (a null member is absent, as encoders drop it). */
function fieldsOf(v: unknown): LogEvent['fields'] {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadEventError('"fields" must be an object');
  const f = v as Record<string, unknown>;
  for (const k of Object.keys(f)) {
    const x = f[k];
    if (x === null) delete f[k];
    else if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') {
      throw new BadEventError(`field ${shown(k)} must be a string, number or boolean`);
    }
  }
  return f as LogEvent['fields'];
}

/** A value for an error message, cut short. */
function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function parseObject(line: string): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new BadEventError('not valid JSON');
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new BadEventError('not a JSON object');
  return o as Record<string, unknown>;
}
