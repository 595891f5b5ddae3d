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
 * Joins identity (from `raw`) and content (from `p`). A line without a time gets the read time;
 * so does a line whose time logpipe cannot keep exactly (core/civil-time.ts `inTimeRange`), which
 * is flagged `ts_out_of_range` and keeps its time in `raw` (and, for JSON and logfmt, its field).
 */
export function toLogEvent(raw: RawEvent, p: Parsed, defaults: EventDefaults): LogEvent {
  const fields = p.fields;
  if (raw.truncated === true) fields.truncated = true;
  let ts = p.ts;
  if (!inTimeRange(ts)) {
    if (!Number.isNaN(ts)) fields.ts_out_of_range = true;
    ts = Math.round(raw.received_at * 1000);
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
