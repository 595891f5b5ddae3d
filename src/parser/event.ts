/** Builds the LogEvent from a RawEvent and what a format parser read from its line. */
import { inTimeRange } from '../core/civil-time.js';
import type { LogEvent, RawEvent } from '../core/events.js';
import type { Parsed } from './types.js';

/** Defaults for events whose line and RawEvent name no service or host. */
export interface EventDefaults {
  service: string | null;
  host: string | null;
}

/**
 * The field that says where the time of an event without its own came from: `received` (the
 * time the line was read) or `previous` (the time of the previous event of the same source, on
 * import). Events with their own time do not carry it.
 */
export const TS_SOURCE_FIELD = 'ts_source';

/**
 * Joins identity (from `raw`) and content (from `p`). A line without a time, or whose time
 * logpipe cannot keep exactly (core/civil-time.ts `inTimeRange`: flagged `ts_out_of_range`, the
 * time kept in `raw` and, for JSON and logfmt, its field), is never stamped silently: it gets
 * `previousUs` when that is given (the time of the previous event of its source, flagged
 * `ts_source: "previous"`), else the read time (flagged `ts_source: "received"`).
 */
export function toLogEvent(
  raw: RawEvent,
  p: Parsed,
  defaults: EventDefaults,
  previousUs: number = Number.NaN,
): LogEvent {
  const fields = p.fields;
  if (raw.truncated === true) fields.truncated = true;
  let ts = p.ts;
  if (!inTimeRange(ts)) {
    if (!Number.isNaN(ts)) fields.ts_out_of_range = true;
    if (Number.isNaN(previousUs)) {
      ts = Math.round(raw.received_at * 1000);
      fields[TS_SOURCE_FIELD] = 'received';
    } else {
      ts = previousUs;
      fields[TS_SOURCE_FIELD] = 'previous';
    }
  }
  return {
    ts,
    level: p.level,
    service: p.service ?? raw.service ?? defaults.service,
    host: p.host ?? raw.host ?? defaults.host,
    source: raw.source,
    generation: raw.generation,
    offset: raw.offset,
    format: p.format,
    message: p.message,
    fields,
    raw: raw.line,
  };
}
