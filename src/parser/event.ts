/** Builds the LogEvent from a RawEvent and what a format parser read from its line. */
import type { LogEvent, RawEvent } from '../core/events.js';
import type { Parsed } from './types.js';

/** Defaults for events whose line and RawEvent name no service or host. */
export interface EventDefaults {
  service: string | null;
  host: string | null;
}

/** Joins identity (from `raw`) and content (from `p`); a line without a time gets the read time. */
export function toLogEvent(raw: RawEvent, p: Parsed, defaults: EventDefaults): LogEvent {
  const fields = p.fields;
  if (raw.truncated === true) fields.truncated = true;
  return {
    ts: Number.isNaN(p.ts) ? Math.round(raw.received_at * 1000) : p.ts,
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
