/**
 * The NDJSON wire format between components in pipe mode (`collect | parse | store`). A stream
 * starts with a header line naming what follows, so `parse` can tell collector output from
 * plain log lines; events are one JSON object per line, times as ISO 8601 text (epoch microseconds
 * on the HTTP links between processes, where a decoder accepts either).
 */

import { UserError } from './errors.js';
import type { LogEvent, RawEvent } from './events.js';
import { LEVELS } from './events.js';
import { formatMicros, parseIsoMicros } from './time.js';

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
  return {
    source: typeof o.source === 'string' ? o.source : 'stdin',
    generation: typeof o.generation === 'string' ? o.generation : '',
    offset: typeof o.offset === 'number' ? o.offset : 0,
    line: o.line,
    received_at: typeof o.received_at === 'number' ? o.received_at : Date.now(),
    ...(typeof o.host === 'string' ? { host: o.host } : {}),
    ...(typeof o.service === 'string' ? { service: o.service } : {}),
    ...(typeof o.format === 'string' ? { format: o.format } : {}),
    ...(o.truncated === true ? { truncated: true } : {}),
  };
}

/** Decodes a LogEvent line; throws BadEventError naming what is wrong. */
export function decodeLogEvent(line: string): LogEvent {
  const o = parseObject(line);
  const ts = typeof o.ts === 'number' ? o.ts : typeof o.ts === 'string' ? parseIsoMicros(o.ts) : Number.NaN;
  if (Number.isNaN(ts)) throw new BadEventError('log event without a valid "ts"');
  if (typeof o.raw !== 'string' && typeof o.message !== 'string') {
    throw new BadEventError('log event without "raw" or "message"');
  }
  const level = (LEVELS as readonly string[]).includes(o.level as string)
    ? (o.level as LogEvent['level'])
    : 'unknown';
  const fields = o.fields && typeof o.fields === 'object' && !Array.isArray(o.fields) ? o.fields : {};
  return {
    ts,
    level,
    service: typeof o.service === 'string' ? o.service : null,
    host: typeof o.host === 'string' ? o.host : null,
    source: typeof o.source === 'string' ? o.source : 'stdin',
    generation: typeof o.generation === 'string' ? o.generation : '',
    offset: typeof o.offset === 'number' ? o.offset : 0,
    format: typeof o.format === 'string' ? o.format : 'unknown',
    message: typeof o.message === 'string' ? o.message : String(o.raw),
    fields: fields as LogEvent['fields'],
    raw: typeof o.raw === 'string' ? o.raw : String(o.message),
  };
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
