/**
 * Layouts of digits only, besides ISO: slashed (`yyyy/MM/dd`, `yy/MM/dd`), compact (`yyMMdd`,
 * `yyyyMMdd-`) and logcat's `MM-dd` (its year inferred). None carries a zone but the slashed one.
 */
import { civilDayMs, civilMs, digits, isDigit, type Zone } from '../../core/civil-time.js';
import { clockSeconds, finish, finishLocal, yearFor } from './stamp-parts.js';

/** `yyyy/MM/dd HH:mm:ss[.ffffff]` (Go's log package, nginx error log). */
export function scanSlashDate(s: string, i: number, zone: Zone): number {
  const y = digits(s, i, 4);
  if (y < 0 || s.charCodeAt(i + 4) !== 47 || s.charCodeAt(i + 7) !== 47) return Number.NaN;
  const mo = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  const sep = s.charCodeAt(i + 10);
  if (sep !== 32 && sep !== 84) return Number.NaN;
  const secs = clockSeconds(s, i + 11);
  if (secs < 0) return Number.NaN;
  return finish(s, i + 19, civilDayMs(y, mo, d, secs), zone);
}

/** `yy/MM/dd HH:mm:ss` (Spark, older Hadoop). */
export function scanShortSlashDate(s: string, i: number, zone: Zone): number {
  const y = digits(s, i, 2);
  if (y < 0 || s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 5) !== 47) return Number.NaN;
  const mo = digits(s, i + 3, 2);
  const d = digits(s, i + 6, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || s.charCodeAt(i + 8) !== 32) return Number.NaN;
  const secs = clockSeconds(s, i + 9);
  if (secs < 0) return Number.NaN;
  return finishLocal(s, i + 17, civilDayMs(2000 + y, mo, d, secs), zone);
}

/** `yyMMdd HHmmss` or `yyMMdd HH:mm:ss` (MySQL, older daemons). */
export function scanCompactDate(s: string, i: number, zone: Zone): number {
  const ymd = digits(s, i, 6);
  if (ymd < 0 || s.charCodeAt(i + 6) !== 32) return Number.NaN;
  const y = Math.floor(ymd / 10000);
  const mo = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  let k = i + 7;
  if (s.charCodeAt(k) === 32) k++; // MySQL pads a one-digit hour with a space
  let h: number;
  let mi: number;
  let sec: number;
  const compact = digits(s, k, 6);
  if (compact >= 0 && !isDigit(s.charCodeAt(k + 6))) {
    h = Math.floor(compact / 10000);
    mi = Math.floor(compact / 100) % 100;
    sec = compact % 100;
    k += 6;
  } else {
    const secs = clockSeconds(s, k);
    if (secs >= 0) return finishLocal(s, k + 8, civilDayMs(2000 + y, mo, d, secs), zone);
    const short = /^(\d):(\d\d):(\d\d)/.exec(s.slice(k, k + 7));
    if (!short) return Number.NaN;
    h = Number(short[1]);
    mi = Number(short[2]);
    sec = Number(short[3]);
    k += 7;
  }
  if (h > 24 || mi > 59 || sec > 60) return Number.NaN;
  return finishLocal(s, k, civilMs(2000 + y, mo, d, h, mi, sec), zone);
}

/** `yyyyMMdd-HH:mm:ss:SSS` (or `.SSS`; the Android/HDFS-style compact date). */
export function scanDashCompactDate(s: string, i: number, zone: Zone): number {
  const ymd = digits(s, i, 8);
  if (ymd < 0 || s.charCodeAt(i + 8) !== 45) return Number.NaN;
  const secs = clockSeconds(s, i + 9);
  if (secs < 0) return Number.NaN;
  const y = Math.floor(ymd / 10000);
  const mo = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  return finishLocal(s, i + 17, civilDayMs(y, mo, d, secs), zone);
}

/** `MM-dd HH:mm:ss.SSS` (logcat); the year is inferred. */
export function scanMonthDayDate(s: string, i: number, zone: Zone, refMs: number): number {
  const mo = digits(s, i, 2);
  const d = digits(s, i + 3, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || s.charCodeAt(i + 2) !== 45 || s.charCodeAt(i + 5) !== 32) {
    return Number.NaN;
  }
  const secs = clockSeconds(s, i + 6);
  if (secs < 0) return Number.NaN;
  return finishLocal(s, i + 14, civilDayMs(yearFor(mo, d, secs, refMs), mo, d, secs), zone);
}
