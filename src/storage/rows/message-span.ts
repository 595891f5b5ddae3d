/**
 * Where a row's `message` lies in its `raw` line. Most parsers take the message out of the line
 * as it is (the text after a header, or the whole line), so keeping both stores it twice: a row
 * whose message is found in its line keeps only the line and the message's place in it, and the
 * views cut it back out (storage/duckdb/raw-text.ts). The place counts code points (what
 * DuckDB's `substr` and `length` count): `at` before the message, `tail` after it, packed in one
 * integer, `at + tail × 2³²`, so a file pays one column's footer for it (a small file of access
 * lines had 159 bytes to spare under `gzip -6` of its text; two columns took 167). Most messages
 * end their line (tail 0), so the packed value is usually `at` alone.
 */

/** `tail` is counted in units of this. */
export const TAIL_UNIT = 2 ** 32;
/** Longest tail a place holds: `at + tail × 2³²` stays an exact double (below 2⁵³). */
const MAX_TAIL = 2 ** 21 - 1;

/** Any UTF-16 surrogate, paired or lone. */
const SURROGATE = /[\ud800-\udfff]/;

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * The place of `message` in `raw` (as its end when it is there, else its first occurrence), or
 * -1 when it is not there, or only across half of a surrogate pair (stored as UTF-8, the half
 * would not be the same character in the message as in the line).
 */
export function messagePlace(raw: string, message: string): number {
  const at = messageIndex(raw, message);
  return at < 0 ? -1 : placeOf(raw, at, message.length);
}

/** Where `message` starts in `raw` as messagePlace takes it (its end, else its first occurrence), or -1. */
export function messageIndex(raw: string, message: string): number {
  // The whole line (JSON without a message key, lines no format took): one pointer compare
  // instead of comparing every character (CloudTrail lines: 7.1 → 6.8 µs a row parsed and encoded).
  if (message === raw) return 0;
  if (message.length <= raw.length && raw.endsWith(message)) return raw.length - message.length;
  return raw.indexOf(message);
}

/** The place of the `length` code units of `raw` from unit `at` (see messagePlace), or -1. */
export function placeOf(raw: string, at: number, length: number): number {
  const end = at + length;
  // Without a surrogate in the line, code points are code units: one native scan instead of a
  // loop over the header a char at a time (real-shaped lines of 30 systems, 2026-12-07:
  // 480 → 280 ns an event on average, alike in every result; JSON lines with a long tail were 3 µs).
  if (!SURROGATE.test(raw)) {
    const tail = raw.length - end;
    return tail > MAX_TAIL ? -1 : at + tail * TAIL_UNIT;
  }
  if (splitsPair(raw, at) || splitsPair(raw, end)) return -1;
  const tail = end === raw.length ? 0 : codePoints(raw, end, raw.length);
  if (tail > MAX_TAIL) return -1;
  return codePoints(raw, 0, at) + tail * TAIL_UNIT;
}

/** Code points of the line before the message. */
export function placeAt(place: number): number {
  return place % TAIL_UNIT;
}

/** Code points of the line after the message. */
export function placeTail(place: number): number {
  return Math.floor(place / TAIL_UNIT);
}

/** Code points of `s` before unit `k` (not inside a pair). */
export function codePointsBefore(s: string, k: number): number {
  return codePoints(s, 0, k);
}

/** Whether a cut of `s` before unit `k` falls inside a surrogate pair. */
function splitsPair(s: string, k: number): boolean {
  return k > 0 && k < s.length && isHigh(s.charCodeAt(k - 1)) && isLow(s.charCodeAt(k));
}

/**
 * Code points of `s` from unit `from` to `to` (neither inside a pair): a pair is one, a lone
 * surrogate one too (its UTF-8 is U+FFFD).
 */
function codePoints(s: string, from: number, to: number): number {
  let n = to - from;
  for (let k = from + 1; k < to; k++) {
    if (isLow(s.charCodeAt(k)) && isHigh(s.charCodeAt(k - 1))) {
      n--;
      k++;
    }
  }
  return n;
}

/** Code points of UTF-8 `bytes[from, to)`: the bytes that do not continue a character. */
export function utf8CodePoints(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if ((bytes[k] & 0xc0) !== 0x80) n++;
  return n;
}
