/** How `query --explain` and `store --stats` word the events without a time of their own. */

import { groupDigits } from '../core/units.js';
import type { TimeSources } from '../server/index.js';

/**
 * `N <received>, M the time of the event before them (…)`, or null when every event has its
 * own time. `received` words the read-time events for the page it is on.
 */
export function timeSourceCounts(t: TimeSources, received: string): string | null {
  const parts: string[] = [];
  if (t.received > 0) parts.push(`${groupDigits(t.received)} ${received} (ts_source:received)`);
  if (t.previous > 0)
    parts.push(`${groupDigits(t.previous)} the time of the event before them (ts_source:previous)`);
  return parts.length > 0 ? parts.join(', ') : null;
}
