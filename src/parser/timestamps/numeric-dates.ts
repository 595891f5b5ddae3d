/**
 * Layouts of digits only, besides ISO: slashed (`yyyy/MM/dd`, `yy/MM/dd`), compact (`yyMMdd`,
 * `yyyyMMdd-`) and logcat's `MM-dd` (its year inferred). None carries a zone but the slashed one.
 */
import {
  civilDayMs,
  civilMs,
  digits,
  isDigit,
  scan,
  scanFraction,
  type Zone,
} from '../../core/civil-time.js';
import { clockSeconds, finish, finishLocal, looseClock, yearFor } from './stamp-parts.js';

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

/**
 * `yyyyMMdd-H:m:s:SSS` (Android apps, HDFS-style compact date): the clock's fields may be
 * unpadded (`20180102-9:4:7:88`), and the milliseconds after `:` are a count, so `:88` is 88 ms
 * (a `.` or `,` fraction reads as a fraction).
 */
export function scanDashCompactDate(s: string, i: number, zone: Zone): number {
  const ymd = digits(s, i, 8);
  if (ymd < 0 || s.charCodeAt(i + 8) !== 45) return Number.NaN;
  const secs = looseClock(s, i + 9);
  if (secs < 0) return Number.NaN;
  const y = Math.floor(ymd / 10000);
  const mo = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  const k = scan.end;
  if (s.charCodeAt(k) === 58) {
    const ms = countAt(s, k + 1, 3);
    if (ms >= 0) {
      return zone.toUtcMs(civilDayMs(y, mo, d, secs)) * 1000 + ms * 1000;
    }
  }
  return finishLocal(s, k, civilDayMs(y, mo, d, secs), zone);
}

/** 1 to `max` digits at `i`, not followed by another digit: their value (`scan.end` past them), or -1. */
function countAt(s: string, i: number, max: number): number {
  let v = 0;
  let k = i;
  while (k < i + max && isDigit(s.charCodeAt(k))) v = v * 10 + s.charCodeAt(k++) - 48;
  if (k === i || isDigit(s.charCodeAt(k))) return -1;
  scan.end = k;
  return v;
}

/**
 * `yyyy-MM-dd-HH.mm.ss.ffffff` (IBM DB2 and the Blue Gene/L RAS log): dashes between date and
 * time, dots inside the time. Zone-less.
 */
export function scanDashedDotStamp(s: string, i: number, zone: Zone): number {
  const y = digits(s, i, 4);
  if (y < 0 || s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45 || s.charCodeAt(i + 10) !== 45) {
    return Number.NaN;
  }
  const mo = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  if (s.charCodeAt(i + 13) !== 46 || s.charCodeAt(i + 16) !== 46) return Number.NaN;
  const h = digits(s, i + 11, 2);
  const mi = digits(s, i + 14, 2);
  const sec = digits(s, i + 17, 2);
  if (h < 0 || mi < 0 || sec < 0 || h > 24 || mi > 59 || sec > 60) return Number.NaN;
  return finishLocal(s, i + 19, civilDayMs(y, mo, d, (h * 60 + mi) * 60 + sec), zone);
}

/** 1 or 2 digits at `i` (`scan.end` past them), or -1. */
function oneOrTwo(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  if (a < 0 || a > 9) return -1;
  const b = s.charCodeAt(i + 1) - 48;
  if (b < 0 || b > 9) {
    scan.end = i + 1;
    return a;
  }
  scan.end = i + 2;
  return a * 10 + b;
}

/**
 * `yyyy-M-d H:m:s` with unpadded fields (Java's `yyyy-M-d H:m:s`, scripts' own stamps), a
 * fraction and zone as ISO allows; tried only when the padded ISO scan fails.
 */
export function scanLooseIso(s: string, i: number, zone: Zone): number {
  const y = digits(s, i, 4);
  if (y < 0 || s.charCodeAt(i + 4) !== 45) return Number.NaN;
  const mo = oneOrTwo(s, i + 5);
  if (mo < 1 || mo > 12 || s.charCodeAt(scan.end) !== 45) return Number.NaN;
  const d = oneOrTwo(s, scan.end + 1);
  if (d < 1 || d > 31) return Number.NaN;
  const sep = s.charCodeAt(scan.end);
  if (sep !== 32 && sep !== 84) return Number.NaN;
  const secs = looseClock(s, scan.end + 1);
  if (secs < 0) return Number.NaN;
  return finish(s, scan.end, civilDayMs(y, mo, d, secs), zone);
}

/**
 * US dates, `M/d/yyyy h:mm:ss[.fff][ AM|PM]` (Windows and .NET exports, unpadded month, day and
 * hour; a comma after the year allowed). Zone-less.
 */
export function scanUsDate(s: string, i: number, zone: Zone): number {
  const mo = oneOrTwo(s, i);
  if (mo < 1 || mo > 12 || s.charCodeAt(scan.end) !== 47) return Number.NaN;
  const d = oneOrTwo(s, scan.end + 1);
  if (d < 1 || d > 31 || s.charCodeAt(scan.end) !== 47) return Number.NaN;
  const yAt = scan.end + 1;
  const y = digits(s, yAt, 4);
  if (y < 0) return Number.NaN;
  let k = yAt + 4;
  if (s.charCodeAt(k) === 44) k++;
  if (s.charCodeAt(k) !== 32) return Number.NaN;
  let secs = looseClock(s, k + 1);
  if (secs < 0) return Number.NaN;
  k = scan.end;
  let us = 0;
  const f = s.charCodeAt(k);
  if (f === 46 && isDigit(s.charCodeAt(k + 1))) {
    us = scanFraction(s, k);
    k = scan.end;
  }
  const m = s.charCodeAt(k + 2) | 0x20;
  if (s.charCodeAt(k) === 32 && m === 109 && !isLetterOrDigit(s.charCodeAt(k + 3))) {
    const ap = s.charCodeAt(k + 1) | 0x20;
    if (ap === 97 || ap === 112) {
      const h = Math.floor(secs / 3600);
      if (h < 1 || h > 12) return Number.NaN;
      if (h === 12) secs -= 12 * 3600;
      if (ap === 112) secs += 12 * 3600;
      k += 3;
    }
  }
  scan.end = k;
  return zone.toUtcMs(civilDayMs(y, mo, d, secs)) * 1000 + us;
}

function isLetterOrDigit(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}

/**
 * Dotted dates: `yyyy.MM.dd HH:mm:ss` (or `-` before the time), `dd.MM.yyyy HH:mm:ss` (Europe),
 * and Proxifier's year-less `MM.dd HH:mm:ss` (the year inferred). A date without a time is not a
 * stamp here (versions look the same).
 */
export function scanDotDate(s: string, i: number, zone: Zone, refMs: number): number {
  if (s.charCodeAt(i + 4) === 46) {
    const y = digits(s, i, 4);
    const mo = digits(s, i + 5, 2);
    const d = digits(s, i + 8, 2);
    const sep = s.charCodeAt(i + 10);
    if (y < 0 || s.charCodeAt(i + 7) !== 46 || mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
    if (sep !== 32 && sep !== 45) return Number.NaN;
    const secs = clockSeconds(s, i + 11);
    if (secs < 0) return Number.NaN;
    return finish(s, i + 19, civilDayMs(y, mo, d, secs), zone);
  }
  if (s.charCodeAt(i + 2) !== 46) return Number.NaN;
  const a = digits(s, i, 2);
  const b = digits(s, i + 3, 2);
  if (a < 1 || b < 1) return Number.NaN;
  if (s.charCodeAt(i + 5) === 32) {
    // MM.dd HH:mm:ss
    if (a > 12 || b > 31) return Number.NaN;
    const secs = clockSeconds(s, i + 6);
    if (secs < 0) return Number.NaN;
    return finishLocal(s, i + 14, civilDayMs(yearFor(a, b, secs, refMs), a, b, secs), zone);
  }
  // dd.MM.yyyy HH:mm:ss
  const y = digits(s, i + 6, 4);
  if (s.charCodeAt(i + 5) !== 46 || y < 0 || a > 31 || b > 12 || s.charCodeAt(i + 10) !== 32)
    return Number.NaN;
  const secs = clockSeconds(s, i + 11);
  if (secs < 0) return Number.NaN;
  return finish(s, i + 19, civilDayMs(y, b, a, secs), zone);
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
