/**
 * Civil (wall-clock) time read from text: the primitives every timestamp scanner shares (the
 * parser's layouts, the access-line date in core/access-line.ts). Digits, month names, fractions
 * of a second and zone designators are read with charCodeAt (no regex, no Date), and dates become
 * epoch milliseconds by arithmetic.
 */

/** A time zone for stamps that carry no offset: maps wall-clock time to UTC. */
export interface Zone {
  name: string;
  /** `localMs` is the wall-clock time read as if it were UTC; returns the true UTC epoch ms. */
  toUtcMs(localMs: number): number;
}

/** UTC: the default zone for zone-less stamps. */
export const UTC: Zone = { name: 'UTC', toUtcMs: (ms) => ms };

/**
 * The scanners' second return value: where the last successful scan stopped (exclusive). A
 * scanner returns its time as a number and leaves its end here, so a format parser goes on from
 * `scan.end` and no result object is made per stamp. Read it right after the call that set it.
 * Kept (measured): returning `{ us, end }` objects instead made 1M ISO and syslog stamps through
 * one dispatcher 10-20% slower (CPU 221 against 243 ms, 232 against 278 ms): an object per stamp.
 */
export const scan = { end: 0 };

export const MS_PER_DAY = 86_400_000;

/**
 * The times logpipe keeps, as epoch microseconds: the integers a JavaScript number holds exactly
 * (at most 2^53 - 1 either side of 1970), 1684-07-28T00:12:25.259009Z to
 * 2255-06-05T23:47:34.740991Z. Beyond them a µs number is rounded (9999-12-31T23:59:59.999999Z
 * came out as 10000-01-01): DuckDB's TIMESTAMP and the stored INT64 reach further, the number
 * between them does not. A time outside is never stored as some other time: see `inTimeRange`.
 */
export const MIN_MICROS = -Number.MAX_SAFE_INTEGER;
export const MAX_MICROS = Number.MAX_SAFE_INTEGER;

/**
 * Whether `us` is a time logpipe keeps exactly (false for NaN). Scanners return what they read
 * even when it is outside (rounding never brings a time from past an edge back inside), and the
 * one place that makes events (parser/event.ts) compares once.
 */
export function inTimeRange(us: number): boolean {
  return us >= MIN_MICROS && us <= MAX_MICROS;
}

/** English month abbreviations, as Apache, nginx, syslog and ctime write them: the one table. */
export const MONTHS: readonly string[] = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** `00`..`99`, for writing times without per-field padding. */
export const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
/** `000`..`999`. */
export const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

// MONTHS as one string, so monthAt compares char codes of one flat string.
const MONTH_LETTERS = MONTHS.join('');

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

/** A date and a time of day in seconds (`h * 3600 + m * 60 + s`) as epoch ms, as if UTC. */
export function civilDayMs(y: number, mo: number, d: number, daySeconds: number): number {
  return daysFromCivil(y, mo, d) * MS_PER_DAY + daySeconds * 1000;
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

/** Whether char code `c` is an ASCII digit (NaN, past the end, is not). */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `Oct` (any case) at `i` → 1..12, or -1. */
export function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return -1;
  const a = s.charCodeAt(i) & 0xdf;
  const b = s.charCodeAt(i + 1) | 0x20;
  const c = s.charCodeAt(i + 2) | 0x20;
  for (let m = 0; m < 12; m++) {
    const o = m * 3;
    if (
      MONTH_LETTERS.charCodeAt(o) === a &&
      MONTH_LETTERS.charCodeAt(o + 1) === b &&
      MONTH_LETTERS.charCodeAt(o + 2) === c
    ) {
      return m + 1;
    }
  }
  return -1;
}

/**
 * Reads a fraction of a second after `.` or `,` at `i` (the separator included); returns the
 * microseconds and leaves the index after the digits in `scan.end` (`i` when no digit follows,
 * then 0). Digits past µs are dropped.
 */
export function scanFraction(s: string, i: number): number {
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
 * An optional fraction at `i` (`.` or `,` then digits): its microseconds, or 0 when there is none;
 * `scan.end` is left past it (at `i` when there is none).
 */
export function optionalFraction(s: string, i: number): number {
  const f = s.charCodeAt(i);
  if (f === 46 || f === 44) return scanFraction(s, i);
  scan.end = i;
  return 0;
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

/**
 * A stamp's µs UTC from its wall-clock ms and fraction, with the zone designator at `k` if there
 * is one (its offset applies), else `zone`. `scan.end` is left past what was read.
 */
export function zonedMicros(s: string, k: number, localMs: number, us: number, zone: Zone): number {
  const off = zoneOffset(s, k);
  if (Number.isNaN(off)) {
    scan.end = k;
    return zone.toUtcMs(localMs) * 1000 + us;
  }
  return (localMs - off * 60_000) * 1000 + us;
}
