/** A LogEvent for query tests: one source and generation, `offset` as given, the rest overridable. */
import type { LogEvent } from '../../src/core/events.js';

export function testEvent(offset: number, over: Partial<LogEvent> = {}): LogEvent {
  return {
    ts: 0,
    level: 'info',
    service: null,
    host: 'h',
    source: 'a.log',
    generation: 'g',
    offset,
    format: 'json',
    message: 'm',
    fields: {},
    raw: 'm',
    ...over,
  };
}
