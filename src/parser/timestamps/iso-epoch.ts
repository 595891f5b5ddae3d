/**
 * ISO 8601 / RFC 3339 stamps and epoch numbers: the layouts that carry their own zone (or are
 * UTC by definition).
 */
import {
  civilMs,
  digits,
  isDigit,
  scan,
  scanFraction,
  UTC,
  type Zone,
  zonedMicros,
} from '../../core/civil-time.js';

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
        us = scanFraction(s, k);
        k = scan.end;
      }
    }
  } else if (sep === 84) {
    return Number.NaN;
  }
  return zonedMicros(s, k, civilMs(y, mo, d, h, mi, sec), us, zone);
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
 * 10000-01-01T00:00:00Z in epoch seconds. An epoch number's unit is the largest that puts it
 * before this: seconds below it, milliseconds below it × 1e3, µs below × 1e6, ns below × 1e9.
 * So every date up to 9999-12-31 reads in its own unit from 1978-01-11 on (a ms epoch of
 * 253402300799999 is 9999-12-31, not µs of 1978); a smaller value is read in the coarser unit,
 * which puts ms, µs and ns of 1970-04-15..1978-01-11 past 2255, out of range (see inTimeRange).
 */
const EPOCH_END_S = 253_402_300_800;
const EPOCH_END_MS = EPOCH_END_S * 1e3;
const EPOCH_END_US = EPOCH_END_S * 1e6;
const EPOCH_END_NS = EPOCH_END_S * 1e9;

/**
 * Epoch number to µs, its unit guessed from its size (see EPOCH_END_S). NaN for junk (negative,
 * not finite); Infinity for a number past year 9999 in every unit, a time out of range.
 */
export function epochToMicros(n: number): number {
  if (!Number.isFinite(n) || n < 0) return Number.NaN;
  if (n < EPOCH_END_S) return Math.round(n * 1e6);
  if (n < EPOCH_END_MS) return Math.round(n * 1e3);
  // `<=`: past 2^53 a double cannot tell the boundary from the µs just below it (the µs of
  // 9999-12-31T23:59:59.999999 parse as exactly this), so it is read as µs, out of range, and
  // never as ns of 1978.
  if (n <= EPOCH_END_US) return Math.round(n);
  if (n < EPOCH_END_NS) return Math.round(n / 1e3);
  return Number.POSITIVE_INFINITY;
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
  // More digits than a double holds exactly: the unit is picked, and ns rounded, on the exact value.
  if (dots === 0 && n > 15) return exactEpochDigits(BigInt(text));
  return epochToMicros(Number(text));
}

const END_S = BigInt(EPOCH_END_S);
const END_MS = END_S * 1000n;
const END_US = END_MS * 1000n;
const END_NS = END_US * 1000n;

/** epochToMicros for an integer too long for a double (16+ digits), on its exact value. */
function exactEpochDigits(v: bigint): number {
  if (v < END_S) return Number(v * 1_000_000n);
  if (v < END_MS) return Number(v * 1000n);
  if (v < END_US) return Number(v);
  if (v < END_NS) return Number((v + 500n) / 1000n);
  return Number.POSITIVE_INFINITY;
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
