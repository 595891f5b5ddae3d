/**
 * The access-line grammar Apache and nginx write, the parts the parser, the generator and the
 * store's row codec must read and write alike:
 *   127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://r/" "UA"
 * Here: what counts as a request method, and the bracketed date (`%t`): scanning it and writing
 * it. The layouts of whole lines are in core/raw-layouts.ts.
 */
import {
  civilMs,
  digits,
  MONTHS,
  monthAt,
  optionalFraction,
  scan,
  UTC,
  type Zone,
  zonedMicros,
} from './civil-time.js';

/** Whether `s[start, end)` is a request method: 3-20 of A-Z, `_` and `-`. */
export function isMethod(s: string, start: number, end: number): boolean {
  if (end - start < 3 || end - start > 20) return false;
  for (let k = start; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c < 65 || c > 90) {
      if (c !== 95 && c !== 45) return false;
    }
  }
  return true;
}

/**
 * Apache / nginx `%t` text `10/Oct/2000:13:55:36 -0700` (fraction and offset optional) from `i`;
 * µs UTC or NaN, `scan.end` past it. Without an offset, `zone` applies.
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
  if (d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return Number.NaN;
  const us = optionalFraction(s, i + 20);
  return zonedMicros(s, scan.end, civilMs(y, mo, d, h, mi, sec), us, zone);
}

/** Length of a date as httpStamp writes it: `10/Oct/2000:13:55:36 -0700`. */
export const HTTP_STAMP_LENGTH = 26;

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** `ts` (epoch µs, whole seconds) as an HTTP log date `zone` minutes east of UTC; null when it cannot be one. */
export function httpStamp(ts: number, zone: number): string | null {
  if (ts % 1_000_000 !== 0) return null;
  const d = new Date(ts / 1000 + zone * 60_000);
  const y = d.getUTCFullYear();
  if (!(y >= 1000 && y <= 9999)) return null;
  const a = Math.abs(zone);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${y}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${zone < 0 ? '-' : '+'}${two(Math.trunc(a / 60))}${two(a % 60)}`;
}
