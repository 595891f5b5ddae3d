/**
 * Timestamp scanning for the parsers: hand-written scanners (no regex) over the layouts logs use,
 * each returning epoch microseconds UTC or NaN. Scanners read from an index and leave the index
 * just past what they consumed in `scan.end`, so a format parser can go on from there.
 */

/** A time zone for stamps that carry no offset: maps wall-clock time to UTC. */
export interface Zone {
  name: string;
  /** `localMs` is the wall-clock time read as if it were UTC; returns the true UTC epoch ms. */
  toUtcMs(localMs: number): number;
}

/** UTC: the default zone for zone-less stamps. */
export const UTC: Zone = { name: 'UTC', toUtcMs: (ms) => ms };

/** Where the last successful scan stopped (exclusive); one shared slot instead of a result object. */
export const scan = { end: 0 };

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1..12); no Date object involved. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Wall-clock fields as epoch ms, as if UTC. */
export function civilMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000;
}

/** Reads `n` ASCII digits at `i`; -1 when any is not a digit. */
export function digits(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function validDate(mo: number, d: number, h: number, mi: number, s: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 24 && mi <= 59 && s <= 60;
}

/**
 * Reads a fraction of a second after `.` or `,` at `i` (the separator included); returns the
 * microseconds and leaves the index after the digits in `scan.end`. Digits past µs are dropped.
 */
function fraction(s: string, i: number): number {
  let us = 0;
  let n = 0;
  let k = i + 1;
  for (; k < s.length; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) break;
    if (n < 6) us = us * 10 + c;
    n++;
  }
  if (n === 0) {
    scan.end = i;
    return 0;
  }
  for (; n < 6; n++) us *= 10;
  scan.end = k;
  return us;
}

/**
 * Reads a zone designator at `i`: `Z`, `+HH`, `+HHMM`, `+HH:MM` (optionally after one space).
 * Returns the offset in minutes, or NaN when there is none (then `scan.end` stays `i`).
 */
export function zoneOffset(s: string, i: number): number {
  let k = i;
  let c = s.charCodeAt(k);
  if (c === 90 || c === 122) {
    scan.end = k + 1; // Z / z
    return 0;
  }
  if (c === 32) c = s.charCodeAt(++k);
  if (c !== 43 && c !== 45) {
    scan.end = i;
    return Number.NaN;
  }
  const hh = digits(s, k + 1, 2);
  if (hh < 0 || hh > 18) {
    scan.end = i;
    return Number.NaN;
  }
  let mm = 0;
  let end = k + 3;
  if (s.charCodeAt(end) === 58) {
    mm = digits(s, end + 1, 2);
    if (mm < 0) {
      scan.end = i;
      return Number.NaN;
    }
    end += 3;
  } else {
    const m2 = digits(s, end, 2);
    if (m2 >= 0 && !isDigit(s.charCodeAt(end + 2))) {
      mm = m2;
      end += 2;
    } else if (isDigit(s.charCodeAt(end))) {
      scan.end = i;
      return Number.NaN;
    }
  }
  scan.end = end;
  const off = hh * 60 + mm;
  return c === 45 ? -off : off;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * ISO 8601 / RFC 3339 at `i`: `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM[:SS]`,
 * a fraction of any precision with `.` or `,`, and a zone (`Z`, `±HH[:MM]`). Without a zone,
 * `zone` applies. Returns µs UTC or NaN; `scan.end` is set past the stamp.
 */
export function scanIso(s: string, i: number, zone: Zone = UTC): number {
  const y = digits(s, i, 4);
  if (y < 0 || s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return Number.NaN;
  const mo = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  let k = i + 10;
  const sep = s.charCodeAt(k);
  let h = 0;
  let mi = 0;
  let sec = 0;
  let us = 0;
  if ((sep === 84 || sep === 116 || sep === 32) && s.charCodeAt(k + 3) === 58) {
    h = digits(s, k + 1, 2);
    mi = digits(s, k + 4, 2);
    if (h < 0 || mi < 0 || h > 24 || mi > 59) return Number.NaN;
    k += 6;
    if (s.charCodeAt(k) === 58) {
      sec = digits(s, k + 1, 2);
      if (sec < 0 || sec > 60) return Number.NaN;
      k += 3;
      const f = s.charCodeAt(k);
      if (f === 46 || f === 44) {
        us = fraction(s, k);
        k = scan.end;
      }
    }
  } else if (sep === 84) {
    return Number.NaN;
  }
  const local = civilMs(y, mo, d, h, mi, sec);
  const off = zoneOffset(s, k);
  if (Number.isNaN(off)) {
    scan.end = k;
    return zone.toUtcMs(local) * 1000 + us;
  }
  return (local - off * 60_000) * 1000 + us;
}

/** Parses a whole string as ISO 8601 (surrounding spaces allowed); µs UTC or NaN. */
export function parseIso(text: string, zone: Zone = UTC): number {
  let i = 0;
  while (text.charCodeAt(i) === 32) i++;
  const us = scanIso(text, i, zone);
  if (Number.isNaN(us)) return us;
  let k = scan.end;
  while (text.charCodeAt(k) === 32) k++;
  return k === text.length ? us : Number.NaN;
}

/**
 * Epoch number to µs, its unit guessed from its size: seconds (may be fractional) below 1e11,
 * milliseconds below 1e14, microseconds below 1e17, nanoseconds above. NaN for junk.
 */
export function epochToMicros(n: number): number {
  if (!Number.isFinite(n) || n < 0) return Number.NaN;
  if (n < 1e11) return Math.round(n * 1e6);
  if (n < 1e14) return Math.round(n * 1e3);
  if (n < 1e17) return Math.round(n);
  return Math.round(n / 1e3);
}

/** Epoch text (`1700000000`, `1700000000.123`, ms/µs/ns digits) to µs, or NaN. */
export function parseEpochText(text: string): number {
  const n = text.length;
  if (n === 0 || n > 22) return Number.NaN;
  let dots = 0;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c === 46) {
      if (++dots > 1 || k === 0 || k === n - 1) return Number.NaN;
    } else if (c < 48 || c > 57) return Number.NaN;
  }
  // Very short numbers (a count, a status) are not times.
  if (dots === 0 && n < 9) return Number.NaN;
  return epochToMicros(Number(text));
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** `Oct` (any case) at `i` → 1..12, or -1. */
export function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return -1;
  const a = s.charCodeAt(i) & 0xdf;
  const b = s.charCodeAt(i + 1) | 0x20;
  const c = s.charCodeAt(i + 2) | 0x20;
  for (let m = 0; m < 12; m++) {
    const o = m * 3;
    if (MONTHS.charCodeAt(o) === a && MONTHS.charCodeAt(o + 1) === b && MONTHS.charCodeAt(o + 2) === c) {
      return m + 1;
    }
  }
  return -1;
}

/**
 * Apache / nginx `%t` text `10/Oct/2000:13:55:36 -0700` (fraction and offset optional) from `i`;
 * µs UTC or NaN, `scan.end` past it.
 */
export function scanHttpDate(s: string, i: number, zone: Zone = UTC): number {
  const d = digits(s, i, 2);
  if (d < 0 || s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 6) !== 47) return Number.NaN;
  const mo = monthAt(s, i + 3);
  const y = digits(s, i + 7, 4);
  if (mo < 0 || y < 0 || s.charCodeAt(i + 11) !== 58) return Number.NaN;
  const h = digits(s, i + 12, 2);
  const mi = digits(s, i + 15, 2);
  const sec = digits(s, i + 18, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(i + 14) !== 58 || s.charCodeAt(i + 17) !== 58) {
    return Number.NaN;
  }
  if (!validDate(mo, d, h, mi, sec)) return Number.NaN;
  let k = i + 20;
  let us = 0;
  const f = s.charCodeAt(k);
  if (f === 46 || f === 44) {
    us = fraction(s, k);
    k = scan.end;
  }
  const local = civilMs(y, mo, d, h, mi, sec);
  const off = zoneOffset(s, k);
  if (Number.isNaN(off)) {
    scan.end = k;
    return zone.toUtcMs(local) * 1000 + us;
  }
  return (local - off * 60_000) * 1000 + us;
}

/** A zone `offsetMinutes` east of UTC. */
export function fixedZone(offsetMinutes: number, name?: string): Zone {
  if (offsetMinutes === 0) return UTC;
  const ms = offsetMinutes * 60_000;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  const label =
    name ?? `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return { name: label, toUtcMs: (local) => local - ms };
}

/** An IANA zone; offsets are looked up through Intl once per hour of time and cached. */
function ianaZone(name: string): Zone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  // Offset (ms) of the zone at UTC instant `utc`.
  const offsetAt = (utc: number): number => {
    const hour = Math.floor(utc / 3_600_000);
    let off = cache.get(hour);
    if (off === undefined) {
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(new Date(hour * 3_600_000))) {
        if (part.type !== 'literal') p[part.type] = Number(part.value);
      }
      off = civilMs(p.year, p.month, p.day, p.hour, p.minute, p.second) - hour * 3_600_000;
      if (cache.size > 10_000) cache.clear();
      cache.set(hour, off);
    }
    return off;
  };
  return {
    name,
    toUtcMs: (local) => {
      // Guess with the offset at `local`, then correct once: right except inside a DST gap.
      const guess = local - offsetAt(local);
      return local - offsetAt(guess);
    },
  };
}

/**
 * A zone from its user-facing name: `UTC`/`Z`, a fixed offset (`+02:00`, `-0530`, `UTC+2`), or an
 * IANA name (`Europe/Berlin`). Returns null for a name it does not know.
 */
export function zoneFromName(text: string): Zone | null {
  const t = text.trim();
  if (t === '' || /^(utc|gmt|z)$/i.test(t)) return UTC;
  const m = /^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (m) {
    const h = Number(m[2]);
    const mi = m[3] ? Number(m[3]) : 0;
    if (h > 18 || mi > 59) return null;
    return fixedZone((m[1] === '-' ? -1 : 1) * (h * 60 + mi), t);
  }
  try {
    return ianaZone(new Intl.DateTimeFormat('en-US', { timeZone: t }).resolvedOptions().timeZone);
  } catch {
    return null;
  }
}

let yearRefMs = Number.NaN;
let yearRef = 1970;

/**
 * The year for a stamp without one (syslog, klog, logcat): the year it was read in, unless that
 * puts the stamp more than a day in the future, then the year before (December logs read in
 * January).
 */
export function inferYear(mo: number, d: number, h: number, mi: number, s: number, refMs: number): number {
  if (refMs !== yearRefMs) {
    yearRefMs = refMs;
    yearRef = new Date(refMs).getUTCFullYear();
  }
  const t = civilMs(yearRef, mo, d, h, mi, s);
  return t > refMs + MS_PER_DAY ? yearRef - 1 : yearRef;
}

/** Reads `HH:MM:SS` at `i` into `hms` (h, m, s); false when it is not there. */
function clock(s: string, i: number, hms: number[]): boolean {
  if (s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return false;
  const h = digits(s, i, 2);
  const mi = digits(s, i + 3, 2);
  const sec = digits(s, i + 6, 2);
  if (h < 0 || mi < 0 || sec < 0 || h > 24 || mi > 59 || sec > 60) return false;
  hms[0] = h;
  hms[1] = mi;
  hms[2] = sec;
  return true;
}

const hms = [0, 0, 0];

/** Finishes a stamp: optional fraction at `k`, optional zone, else `zone`. */
function finish(s: string, k: number, local: number, zone: Zone): number {
  let us = 0;
  let e = k;
  const f = s.charCodeAt(e);
  if ((f === 46 || f === 44) && isDigit(s.charCodeAt(e + 1))) {
    us = fraction(s, e);
    e = scan.end;
  }
  const off = zoneOffset(s, e);
  if (Number.isNaN(off)) {
    scan.end = e;
    return zone.toUtcMs(local) * 1000 + us;
  }
  return (local - off * 60_000) * 1000 + us;
}

/** Like `finish`, without reading a zone designator (for layouts that never carry one). */
function finishLocal(s: string, k: number, local: number, zone: Zone): number {
  let us = 0;
  scan.end = k;
  const f = s.charCodeAt(k);
  if ((f === 46 || f === 44 || f === 58) && isDigit(s.charCodeAt(k + 1))) us = fraction(s, k);
  return zone.toUtcMs(local) * 1000 + us;
}

/**
 * Syslog (RFC 3164) `Oct 11 22:14:15` (day may be space-padded), fraction optional, optional
 * year after the time; the year is inferred from `refMs` when absent.
 */
export function scanSyslogDate(s: string, i: number, zone: Zone, refMs: number): number {
  const mo = monthAt(s, i);
  if (mo < 0 || s.charCodeAt(i + 3) !== 32) return Number.NaN;
  let k = i + 4;
  if (s.charCodeAt(k) === 32) k++;
  let d = digits(s, k, 2);
  if (d >= 0) k += 2;
  else {
    d = digits(s, k, 1);
    if (d < 0) return Number.NaN;
    k += 1;
  }
  if (d < 1 || d > 31 || s.charCodeAt(k) !== 32 || !clock(s, k + 1, hms)) return Number.NaN;
  k += 9;
  let us = 0;
  const f = s.charCodeAt(k);
  if ((f === 46 || f === 44) && isDigit(s.charCodeAt(k + 1))) {
    us = fraction(s, k);
    k = scan.end;
  }
  let y = -1;
  if (s.charCodeAt(k) === 32) {
    y = digits(s, k + 1, 4);
    if (y >= 0 && !isDigit(s.charCodeAt(k + 5))) k += 5;
    else y = -1;
  }
  if (y < 0) y = inferYear(mo, d, hms[0], hms[1], hms[2], refMs);
  scan.end = k;
  return zone.toUtcMs(civilMs(y, mo, d, hms[0], hms[1], hms[2])) * 1000 + us;
}

/** ctime / Apache error layout: `Wed Oct 11 14:32:52[.123456] 2000` (zone-less). */
export function scanCtime(s: string, i: number, zone: Zone): number {
  if (s.charCodeAt(i + 3) !== 32) return Number.NaN;
  const c0 = s.charCodeAt(i) | 0x20;
  if (c0 < 97 || c0 > 122) return Number.NaN;
  const mo = monthAt(s, i + 4);
  if (mo < 0 || s.charCodeAt(i + 7) !== 32) return Number.NaN;
  let k = i + 8;
  if (s.charCodeAt(k) === 32) k++;
  let d = digits(s, k, 2);
  if (d >= 0) k += 2;
  else {
    d = digits(s, k, 1);
    if (d < 0) return Number.NaN;
    k += 1;
  }
  if (d < 1 || d > 31 || s.charCodeAt(k) !== 32 || !clock(s, k + 1, hms)) return Number.NaN;
  k += 9;
  let us = 0;
  const f = s.charCodeAt(k);
  if ((f === 46 || f === 44) && isDigit(s.charCodeAt(k + 1))) {
    us = fraction(s, k);
    k = scan.end;
  }
  if (s.charCodeAt(k) !== 32) return Number.NaN;
  const y = digits(s, k + 1, 4);
  if (y < 0) return Number.NaN;
  scan.end = k + 5;
  return zone.toUtcMs(civilMs(y, mo, d, hms[0], hms[1], hms[2])) * 1000 + us;
}

/** `yyyy/MM/dd HH:mm:ss[.ffffff]` (Go's log package, nginx error log). */
export function scanSlashDate(s: string, i: number, zone: Zone): number {
  const y = digits(s, i, 4);
  if (y < 0 || s.charCodeAt(i + 4) !== 47 || s.charCodeAt(i + 7) !== 47) return Number.NaN;
  const mo = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  const sep = s.charCodeAt(i + 10);
  if ((sep !== 32 && sep !== 84) || !clock(s, i + 11, hms)) return Number.NaN;
  return finish(s, i + 19, civilMs(y, mo, d, hms[0], hms[1], hms[2]), zone);
}

/** `yy/MM/dd HH:mm:ss` (Spark, older Hadoop). */
export function scanShortSlashDate(s: string, i: number, zone: Zone): number {
  const y = digits(s, i, 2);
  if (y < 0 || s.charCodeAt(i + 2) !== 47 || s.charCodeAt(i + 5) !== 47) return Number.NaN;
  const mo = digits(s, i + 3, 2);
  const d = digits(s, i + 6, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || s.charCodeAt(i + 8) !== 32 || !clock(s, i + 9, hms)) {
    return Number.NaN;
  }
  return finishLocal(s, i + 17, civilMs(2000 + y, mo, d, hms[0], hms[1], hms[2]), zone);
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
  } else if (clock(s, k, hms)) {
    [h, mi, sec] = hms;
    k += 8;
  } else {
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
  if (ymd < 0 || s.charCodeAt(i + 8) !== 45 || !clock(s, i + 9, hms)) return Number.NaN;
  const y = Math.floor(ymd / 10000);
  const mo = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  return finishLocal(s, i + 17, civilMs(y, mo, d, hms[0], hms[1], hms[2]), zone);
}

/** `MM-dd HH:mm:ss.SSS` (logcat); the year is inferred. */
export function scanMonthDayDate(s: string, i: number, zone: Zone, refMs: number): number {
  const mo = digits(s, i, 2);
  const d = digits(s, i + 3, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || s.charCodeAt(i + 2) !== 45 || s.charCodeAt(i + 5) !== 32) {
    return Number.NaN;
  }
  if (!clock(s, i + 6, hms)) return Number.NaN;
  const y = inferYear(mo, d, hms[0], hms[1], hms[2], refMs);
  return finishLocal(s, i + 14, civilMs(y, mo, d, hms[0], hms[1], hms[2]), zone);
}

/** `dd-MMM-yyyy HH:mm:ss[.SSS]` (Tomcat, Oracle) */
export function scanDayMonthName(s: string, i: number, zone: Zone): number {
  const d = digits(s, i, 2);
  const sep = s.charCodeAt(i + 2);
  if (d < 1 || d > 31 || (sep !== 45 && sep !== 32) || s.charCodeAt(i + 6) !== sep) return Number.NaN;
  const mo = monthAt(s, i + 3);
  const y = digits(s, i + 7, 4);
  if (mo < 0 || y < 0 || s.charCodeAt(i + 11) !== 32 || !clock(s, i + 12, hms)) return Number.NaN;
  return finish(s, i + 20, civilMs(y, mo, d, hms[0], hms[1], hms[2]), zone);
}

/** Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits) at `i`. */
export function scanEpoch(s: string, i: number): number {
  let k = i;
  while (k < s.length && isDigit(s.charCodeAt(k))) k++;
  const n = k - i;
  if (n !== 10 && n !== 13 && n !== 16) return Number.NaN;
  let e = k;
  if (s.charCodeAt(k) === 46 && n === 10) {
    e = k + 1;
    while (e < s.length && isDigit(s.charCodeAt(e))) e++;
  }
  const after = s.charCodeAt(e);
  if (e < s.length && after !== 32 && after !== 93 && after !== 9 && after !== 44 && after !== 59) {
    return Number.NaN;
  }
  scan.end = e;
  return epochToMicros(Number(s.slice(i, e)));
}

/**
 * Any layout this module knows, starting at `i`: the scanner is picked by the first characters.
 * Returns µs UTC or NaN, with `scan.end` past the stamp.
 */
export function scanAnyTime(s: string, i: number, zone: Zone, refMs: number): number {
  const c = s.charCodeAt(i);
  if (isDigit(c)) {
    const c2 = s.charCodeAt(i + 2);
    const c4 = s.charCodeAt(i + 4);
    if (c4 === 45) return scanIso(s, i, zone);
    if (c4 === 47) return scanSlashDate(s, i, zone);
    if (c2 === 47) {
      return s.charCodeAt(i + 5) === 47 && isDigit(s.charCodeAt(i + 3))
        ? scanShortSlashDate(s, i, zone)
        : scanHttpDate(s, i, zone);
    }
    if (c2 === 45) {
      return isDigit(s.charCodeAt(i + 3))
        ? scanMonthDayDate(s, i, zone, refMs)
        : scanDayMonthName(s, i, zone);
    }
    if (c2 === 32) return scanDayMonthName(s, i, zone);
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
