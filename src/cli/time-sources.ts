/** How `query --explain` and `store --stats` word the events without a time of their own. */
import type { TimeSources } from '../server/index.js';

/**
 * `N <received>, M the time of the event before them (…)`, or null when every event has its
 * own time. `received` words the read-time events for the page it is on.
 */
export function timeSourceCounts(t: TimeSources, received: string): string | null {
  const parts: string[] = [];
  if (t.received > 0) parts.push(`${t.received.toLocaleString('en-US')} ${received} (ts_source:received)`);
  if (t.previous > 0)
    parts.push(
      `${t.previous.toLocaleString('en-US')} the time of the event before them (ts_source:previous)`,
    );
  return parts.length > 0 ? parts.join(', ') : null;
}
