/** The storage benchmark's input lines moved to a later time, as a later line of the log would read. */
import { httpStamp } from '../src/core/access-line.js';

// Consecutive lines share their second: the last date written is kept.
let lastTs = Number.NaN;
let lastStamp = '';

/** An access line with its date rewritten for time `ts` (epoch µs), in the zone it was written in. */
export function movedStamp(raw: string, ts: number): string {
  const at = raw.indexOf(' [') + 2;
  if (at < 2 || raw.charCodeAt(at + 26) !== 93) return raw;
  if (ts !== lastTs) {
    const z = raw.slice(at + 21, at + 26);
    const minutes = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
    lastStamp = httpStamp(ts, minutes) ?? raw.slice(at, at + 26);
    lastTs = ts;
  }
  return raw.slice(0, at) + lastStamp + raw.slice(at + 26);
}
