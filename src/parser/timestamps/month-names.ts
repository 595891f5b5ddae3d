/**
 * Layouts that spell the month's name: syslog (RFC 3164, the year inferred when absent), ctime
 * (Apache's error log) and `dd-MMM-yyyy` (Tomcat, Oracle).
 */
import {
  civilDayMs,
  digits,
  isDigit,
  monthAt,
  optionalFraction,
  scan,
  type Zone,
} from '../../core/civil-time.js';
import { clockSeconds, dayThenSpace, finish, yearFor } from './stamp-parts.js';

/**
 * Syslog (RFC 3164) `Oct 11 22:14:15` (day may be space-padded), fraction optional, optional
 * year after the time; the year is inferred from `refMs` when absent.
 */
export function scanSyslogDate(s: string, i: number, zone: Zone, refMs: number): number {
  const mo = monthAt(s, i);
  if (mo < 0 || s.charCodeAt(i + 3) !== 32) return Number.NaN;
  const d = dayThenSpace(s, i + 4);
  if (d < 0) return Number.NaN;
  const clock = scan.end + 1;
  const secs = clockSeconds(s, clock);
  if (secs < 0) return Number.NaN;
  const us = optionalFraction(s, clock + 8);
  let k = scan.end;
  let y = -1;
  if (s.charCodeAt(k) === 32) {
    y = digits(s, k + 1, 4);
    if (y >= 0 && !isDigit(s.charCodeAt(k + 5))) k += 5;
    else y = -1;
  }
  if (y < 0) y = yearFor(mo, d, secs, refMs);
  scan.end = k;
  return zone.toUtcMs(civilDayMs(y, mo, d, secs)) * 1000 + us;
}

/** ctime / Apache error layout: `Wed Oct 11 14:32:52[.123456] 2000` (zone-less). */
export function scanCtime(s: string, i: number, zone: Zone): number {
  if (s.charCodeAt(i + 3) !== 32) return Number.NaN;
  const c0 = s.charCodeAt(i) | 0x20;
  if (c0 < 97 || c0 > 122) return Number.NaN;
  const mo = monthAt(s, i + 4);
  if (mo < 0 || s.charCodeAt(i + 7) !== 32) return Number.NaN;
  const d = dayThenSpace(s, i + 8);
  if (d < 0) return Number.NaN;
  const clock = scan.end + 1;
  const secs = clockSeconds(s, clock);
  if (secs < 0) return Number.NaN;
  const us = optionalFraction(s, clock + 8);
  const k = scan.end;
  if (s.charCodeAt(k) !== 32) return Number.NaN;
  const y = digits(s, k + 1, 4);
  if (y < 0) return Number.NaN;
  scan.end = k + 5;
  return zone.toUtcMs(civilDayMs(y, mo, d, secs)) * 1000 + us;
}

/**
 * `dd-MMM-yyyy HH:mm:ss[.SSS]` (Tomcat, Oracle), `dd MMM yyyy HH:mm:ss[.SSS]` (Redis), and the
 * year-less `dd MMM HH:mm:ss[.SSS]` (older Redis; the year inferred from `refMs`).
 */
export function scanDayMonthName(s: string, i: number, zone: Zone, refMs: number): number {
  const d = digits(s, i, 2);
  const sep = s.charCodeAt(i + 2);
  if (d < 1 || d > 31 || (sep !== 45 && sep !== 32) || s.charCodeAt(i + 6) !== sep) return Number.NaN;
  const mo = monthAt(s, i + 3);
  if (mo < 0) return Number.NaN;
  if (sep === 32 && s.charCodeAt(i + 9) === 58) {
    const secs = clockSeconds(s, i + 7);
    if (secs < 0) return Number.NaN;
    return finish(s, i + 15, civilDayMs(yearFor(mo, d, secs, refMs), mo, d, secs), zone);
  }
  const y = digits(s, i + 7, 4);
  if (y < 0 || s.charCodeAt(i + 11) !== 32) return Number.NaN;
  const secs = clockSeconds(s, i + 12);
  if (secs < 0) return Number.NaN;
  return finish(s, i + 20, civilDayMs(y, mo, d, secs), zone);
}
