/**
 * Checks that bytes are one JSON object, as the `fields` column of segment rows must hold: DuckDB
 * parses that column whenever a segment is read, so one malformed value would fail every query
 * over it. One pass over the bytes, no strings made: rows from another process are checked at
 * the cost of a scan. Stricter than DuckDB's reader where they differ (no trailing commas, no
 * NaN); like it, an escaped lone surrogate (`"\ud800"`) is refused, which `JSON.parse` would take.
 * The bytes' UTF-8 is checked apart (rows-wire.ts), so bytes from 0x80 up pass here as they are.
 */

/** Containers nested deeper than this are refused (our writers nest none). */
export const MAX_JSON_DEPTH = 64;

const OBJECT = 1;
const ARRAY = 2;

// What the scanner expects next.
const KEY_OR_END = 0; // after `{`
const VALUE_OR_END = 1; // after `[`
const KEY = 2; // after `,` in an object
const COLON = 3;
const VALUE = 4; // after `:`, or `,` in an array
const AFTER_VALUE = 5;

const stack = new Uint8Array(MAX_JSON_DEPTH + 1);

/** JSON's whitespace. */
function ws(d: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = d[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** The code unit of a `\uXXXX` escape whose `u` is at `i`, or -1. */
function escapedUnit(d: Uint8Array, i: number, end: number): number {
  if (i + 4 >= end) return -1;
  const a = hex(d[i + 1]);
  const b = hex(d[i + 2]);
  const c = hex(d[i + 3]);
  const e = hex(d[i + 4]);
  if ((a | b | c | e) < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | e;
}

/** The end of the string whose opening quote is at `i`, or -1 when it is not a valid string. */
function stringEnd(d: Uint8Array, i: number, end: number): number {
  i++;
  while (i < end) {
    const c = d[i];
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    const x = d[i + 1];
    if (x === 0x75) {
      const u = escapedUnit(d, i + 1, end);
      if (u < 0) return -1;
      i += 6;
      if (u >= 0xdc00 && u <= 0xdfff) return -1;
      if (u >= 0xd800 && u <= 0xdbff) {
        // A high surrogate must be followed by an escaped low one.
        if (d[i] !== 0x5c || d[i + 1] !== 0x75) return -1;
        const low = escapedUnit(d, i + 1, end);
        if (low < 0xdc00 || low > 0xdfff) return -1;
        i += 6;
      }
      continue;
    }
    if (
      x === 0x22 ||
      x === 0x5c ||
      x === 0x2f ||
      x === 0x62 ||
      x === 0x66 ||
      x === 0x6e ||
      x === 0x72 ||
      x === 0x74
    ) {
      i += 2;
      continue;
    }
    return -1;
  }
  return -1;
}

function digits(d: Uint8Array, i: number, end: number): number {
  while (i < end && d[i] >= 0x30 && d[i] <= 0x39) i++;
  return i;
}

/** The end of the number starting at `i`, or -1 when it is not a valid JSON number. */
function numberEnd(d: Uint8Array, i: number, end: number): number {
  if (d[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (d[i] === 0x30) i++;
  else if (d[i] >= 0x31 && d[i] <= 0x39) i = digits(d, i + 1, end);
  else return -1;
  if (d[i] === 0x2e) {
    const j = digits(d, i + 1, end);
    if (j === i + 1) return -1;
    i = j;
  }
  if (d[i] === 0x65 || d[i] === 0x45) {
    i++;
    if (d[i] === 0x2b || d[i] === 0x2d) i++;
    const j = digits(d, i, end);
    if (j === i) return -1;
    i = j;
  }
  return i;
}

/** Whether `d[i..]` starts with `word` (ASCII) within `end`. */
function literal(d: Uint8Array, i: number, end: number, word: string): boolean {
  if (i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (d[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Where a flat object (`{"k":v,...}` with scalar values, no whitespace: what logpipe's writers
 * write) that starts at `i` ends, or -1 at anything else: then the general scan decides. Twice as
 * fast as the general scan on such rows.
 */
function flatObjectEnd(d: Uint8Array, i: number, end: number): number {
  i++;
  if (d[i] === 0x7d) return i + 1;
  for (;;) {
    if (d[i] !== 0x22) return -1;
    i = stringEnd(d, i, end);
    if (i < 0 || d[i] !== 0x3a) return -1;
    i++;
    const c = d[i];
    if (c === 0x22) i = stringEnd(d, i, end);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) i = numberEnd(d, i, end);
    else if (c === 0x74 && literal(d, i, end, 'true')) i += 4;
    else if (c === 0x66 && literal(d, i, end, 'false')) i += 5;
    else if (c === 0x6e && literal(d, i, end, 'null')) i += 4;
    else return -1;
    if (i < 0) return -1;
    const n = d[i];
    if (n === 0x7d) return i + 1;
    if (n !== 0x2c) return -1;
    i++;
  }
}

/**
 * Null when `d[start, end)` is one JSON object (whitespace around it allowed); otherwise what is
 * wrong with it, and where (a byte offset from `start`).
 */
export function jsonObjectError(d: Uint8Array, start: number, end: number): string | null {
  if (start < end && d[start] === 0x7b && flatObjectEnd(d, start, end) === end) return null;
  let i = ws(d, start, end);
  if (d[i] !== 0x7b || i >= end) return 'not a JSON object';
  let depth = 1;
  stack[1] = OBJECT;
  i++;
  let expect = KEY_OR_END;
  for (;;) {
    i = ws(d, i, end);
    if (i >= end) return 'the JSON ends early';
    const c = d[i];
    switch (expect) {
      case KEY_OR_END:
      case KEY:
        if (c === 0x7d && expect === KEY_OR_END) {
          depth--;
          i++;
          expect = AFTER_VALUE;
          break;
        }
        if (c !== 0x22) return `expected a key at byte ${i - start}`;
        i = stringEnd(d, i, end);
        if (i < 0) return 'malformed string in a key';
        expect = COLON;
        break;
      case COLON:
        if (c !== 0x3a) return `expected ':' at byte ${i - start}`;
        i++;
        expect = VALUE;
        break;
      case VALUE_OR_END:
      case VALUE:
        if (c === 0x5d && expect === VALUE_OR_END) {
          depth--;
          i++;
          expect = AFTER_VALUE;
          break;
        }
        if (c === 0x7b || c === 0x5b) {
          if (depth >= MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH}`;
          stack[++depth] = c === 0x7b ? OBJECT : ARRAY;
          i++;
          expect = c === 0x7b ? KEY_OR_END : VALUE_OR_END;
          break;
        }
        if (c === 0x22) {
          const j = stringEnd(d, i, end);
          if (j < 0) return `malformed string at byte ${i - start}`;
          i = j;
        } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          const j = numberEnd(d, i, end);
          if (j < 0) return `malformed number at byte ${i - start}`;
          i = j;
        } else if (literal(d, i, end, 'true')) i += 4;
        else if (literal(d, i, end, 'false')) i += 5;
        else if (literal(d, i, end, 'null')) i += 4;
        else return `expected a value at byte ${i - start}`;
        expect = AFTER_VALUE;
        break;
      default: {
        // AFTER_VALUE: a comma, or the end of the container the value is in.
        if (depth === 0) return `bytes after the object at byte ${i - start}`;
        const kind = stack[depth];
        if (c === 0x2c) {
          i++;
          expect = kind === OBJECT ? KEY : VALUE;
        } else if ((c === 0x7d && kind === OBJECT) || (c === 0x5d && kind === ARRAY)) {
          i++;
          depth--;
        } else
          return `expected ',' or the end of ${kind === OBJECT ? 'an object' : 'an array'} at byte ${i - start}`;
      }
    }
    if (depth === 0 && expect === AFTER_VALUE) {
      const j = ws(d, i, end);
      return j === end ? null : `bytes after the object at byte ${j - start}`;
    }
  }
}
