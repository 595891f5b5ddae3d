/** Detection: any layout the timestamp scanners know, picked by a stamp's first characters. */
import { scanHttpDate } from '../../core/access-line.js';
import { isDigit, type Zone } from '../../core/civil-time.js';
import { scanEpoch, scanIso } from './iso-epoch.js';
import { scanCtime, scanDayMonthName, scanSyslogDate } from './month-names.js';
import {
  scanCompactDate,
  scanDashCompactDate,
  scanDashedDotStamp,
  scanDotDate,
  scanLooseIso,
  scanMonthDayDate,
  scanShortSlashDate,
  scanSlashDate,
  scanUsDate,
} from './numeric-dates.js';

/**
 * Any layout this module knows, starting at `i`: the scanner is picked by the first characters.
 * Returns µs UTC or NaN, with `scan.end` past the stamp.
 */
export function scanAnyTime(s: string, i: number, zone: Zone, refMs: number): number {
  const c = s.charCodeAt(i);
  if (isDigit(c)) {
    const c2 = s.charCodeAt(i + 2);
    const c4 = s.charCodeAt(i + 4);
    if (c4 === 45) {
      if (s.charCodeAt(i + 10) === 45) return scanDashedDotStamp(s, i, zone);
      const t = scanIso(s, i, zone);
      return Number.isNaN(t) ? scanLooseIso(s, i, zone) : t;
    }
    if (s.charCodeAt(i + 1) === 47) return scanUsDate(s, i, zone);
    if (c4 === 47 && c2 !== 47) return scanSlashDate(s, i, zone);
    if (c2 === 47) {
      if (s.charCodeAt(i + 5) === 47 && isDigit(s.charCodeAt(i + 3))) {
        const t = scanShortSlashDate(s, i, zone);
        return Number.isNaN(t) ? scanUsDate(s, i, zone) : t;
      }
      return s.charCodeAt(i + 4) === 47 ? scanUsDate(s, i, zone) : scanHttpDate(s, i, zone);
    }
    if (c2 === 45) {
      return isDigit(s.charCodeAt(i + 3))
        ? scanMonthDayDate(s, i, zone, refMs)
        : scanDayMonthName(s, i, zone, refMs);
    }
    if (c2 === 32) return scanDayMonthName(s, i, zone, refMs);
    if (c2 === 46 || c4 === 46) return scanDotDate(s, i, zone, refMs);
    const c6 = s.charCodeAt(i + 6);
    if (c6 === 32) return scanCompactDate(s, i, zone);
    if (s.charCodeAt(i + 8) === 45) return scanDashCompactDate(s, i, zone);
    return scanEpoch(s, i);
  }
  if ((c | 0x20) >= 97 && (c | 0x20) <= 122) {
    if (s.charCodeAt(i + 3) === 32) {
      const t = scanSyslogDate(s, i, zone, refMs);
      return Number.isNaN(t) ? scanCtime(s, i, zone) : t;
    }
  }
  return Number.NaN;
}
