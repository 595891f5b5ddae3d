/**
 * Pieces the parser's timestamp layouts share: the `HH:MM:SS` clock, a day of month before it, the
 * fraction and zone after it, and the year of a stamp that carries none.
 */
import {
  civilDayMs,
  digits,
  isDigit,
  MS_PER_DAY,
  optionalFraction,
  scan,
  scanFraction,
  type Zone,
  zonedMicros,
} from '../../core/civil-time.js';

/**
 * Reads `HH:MM:SS` at `i`: the seconds into the day (`h * 3600 + m * 60 + s`; hour 24 and a leap
 * second allowed, as civilMs takes them), or -1 when it is not there. One number, no slot: a
 * shared `[h, m, s]` array measured no faster (1M syslog stamps, 184-203 ms either way).
 */
export function clockSeconds(s: string, i: number): number {
  if (s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1;
  const h = digits(s, i, 2);
  const mi = digits(s, i + 3, 2);
  const sec = digits(s, i + 6, 2);
  if (h < 0 || mi < 0 || sec < 0 || h > 24 || mi > 59 || sec > 60) return -1;
  return (h * 60 + mi) * 60 + sec;
}

/**
 * Reads `H:m:s` at `i` with each field one or two digits (`9:4:7`, `22:15:29`): the seconds into
 * the day with `scan.end` past them, or -1.
 */
export function looseClock(s: string, i: number): number {
  let k = i;
  let total = 0;
  for (let f = 0; f < 3; f++) {
    if (f > 0) {
      if (s.charCodeAt(k) !== 58) return -1;
      k++;
    }
    const c0 = s.charCodeAt(k) - 48;
    if (c0 < 0 || c0 > 9) return -1;
    let v = c0;
    k++;
    const c1 = s.charCodeAt(k) - 48;
    if (c1 >= 0 && c1 <= 9) {
      v = v * 10 + c1;
      k++;
    }
    if (v > (f === 0 ? 24 : f === 1 ? 59 : 60)) return -1;
    total = total * 60 + v;
  }
  if (isDigit(s.charCodeAt(k))) return -1;
  scan.end = k;
  return total;
}

/**
 * A day of month `1`..`31` at `i` as syslog and ctime write it (two digits, one digit, or a pad
 * space then one digit), then a space; -1 when it is not there, else the day with `scan.end` at
 * that space.
 */
export function dayThenSpace(s: string, i: number): number {
  let k = i;
  if (s.charCodeAt(k) === 32) k++;
  let d = digits(s, k, 2);
  if (d >= 0) k += 2;
  else {
    d = digits(s, k, 1);
    if (d < 0) return -1;
    k += 1;
  }
  if (d < 1 || d > 31 || s.charCodeAt(k) !== 32) return -1;
  scan.end = k;
  return d;
}

/** Finishes a stamp: optional fraction at `k`, optional zone, else `zone`. */
export function finish(s: string, k: number, local: number, zone: Zone): number {
  const us = optionalFraction(s, k);
  return zonedMicros(s, scan.end, local, us, zone);
}

/** Like `finish`, without reading a zone designator (for layouts that never carry one). */
export function finishLocal(s: string, k: number, local: number, zone: Zone): number {
  let us = 0;
  scan.end = k;
  const f = s.charCodeAt(k);
  if ((f === 46 || f === 44 || f === 58) && isDigit(s.charCodeAt(k + 1))) us = scanFraction(s, k);
  return zone.toUtcMs(local) * 1000 + us;
}

/*
 * A cache, not a result: the year of the last `refMs` asked about. Events of a batch share their
 * read time, so the year is looked up once a batch instead of once a stamp. Kept (measured):
 * working the year out of `refMs` by arithmetic on every stamp made 1M syslog stamps 15-25%
 * slower (183-203 ms against 227-263 ms).
 */
let yearRefMs = Number.NaN;
let yearRef = 1970;

/** inferYear for a time of day in seconds (as clockSeconds reads it). */
export function yearFor(mo: number, d: number, daySeconds: number, refMs: number): number {
  if (refMs !== yearRefMs) {
    yearRefMs = refMs;
    yearRef = new Date(refMs).getUTCFullYear();
  }
  let y = yearRef;
  if (civilDayMs(y, mo, d, daySeconds) > refMs + MS_PER_DAY) y--;
  // 29 February names a leap year: the latest one not after the year found.
  if (mo === 2 && d === 29) while (!isLeap(y)) y--;
  return y;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * The year for a stamp without one (syslog, klog, logcat, Proxifier, old Redis): the year it was
 * read in, unless that puts the stamp more than a day in the future, then the year before
 * (December logs read in January). So a file's times never jump ahead of when it is read: a
 * month after the read time's month is last year's. `29 Feb` takes the latest leap year not
 * after that.
 */
export function inferYear(mo: number, d: number, h: number, mi: number, s: number, refMs: number): number {
  return yearFor(mo, d, (h * 60 + mi) * 60 + s, refMs);
}
