/**
 * Small helpers the text parsers share: typing a field value, building a result, and reading
 * `key=value` pairs (logfmt, kv, CEF-free text). Hand scans, no regex.
 */
import type { Fields, FieldValue, Level } from '../core/events.js';
import type { Parsed } from './types.js';

/** Builds a parser result. */
export function result(
  format: string,
  ts: number,
  level: Level,
  message: string,
  fields: Fields,
  service: string | null = null,
  host: string | null = null,
): Parsed {
  return { format, ts, level, message, service, host, fields };
}

/**
 * A text value typed the way fields are stored: decimal numbers become numbers (not IPs, not
 * versions with two dots, not IDs with leading zeros or more than 15 digits), `true`/`false`
 * booleans, anything else stays text. `-` and the empty string are absent (undefined).
 */
export function typedValue(text: string): FieldValue | undefined {
  const n = text.length;
  if (n === 0 || (n === 1 && text.charCodeAt(0) === 45)) return undefined;
  if (n <= 17) {
    let k = 0;
    let c = text.charCodeAt(0);
    if (c === 45) c = text.charCodeAt(++k);
    if (c >= 48 && c <= 57) {
      const intStart = k;
      while (k < n && (c = text.charCodeAt(k)) >= 48 && c <= 57) k++;
      const intLen = k - intStart;
      let ok = intLen <= 15 && (intLen === 1 || text.charCodeAt(intStart) !== 48);
      if (ok && k < n) {
        if (text.charCodeAt(k) !== 46 || k === n - 1) ok = false;
        else {
          k++;
          while (k < n && (c = text.charCodeAt(k)) >= 48 && c <= 57) k++;
          ok = k === n;
        }
      }
      if (ok) return Number(text);
    }
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/** Sets a field unless the value is absent; `__proto__` becomes a plain property. */
export function setField(out: Fields, key: string, v: FieldValue | undefined): void {
  if (v === undefined) return;
  if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true });
  else out[key] = v;
}

function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 46 ||
    c === 45 ||
    c === 64 ||
    c === 47
  );
}

/** Where the last `readPair` stopped. */
export const pair = { key: '', value: '', quoted: false, end: 0 };

/**
 * Reads `key=value` at `i` (value bare up to a space or a separator in `seps`, or double-quoted
 * with `\"`, `\\`, `\n`, `\t` escapes), reading no further than `end`. Fills `pair`; false when
 * there is no pair at `i`.
 */
export function readPair(s: string, i: number, seps: string, end: number = s.length): boolean {
  const n = end;
  let k = i;
  const c0 = s.charCodeAt(k);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95 || c0 === 64)) return false;
  while (k < n && k - i <= 128 && isKeyChar(s.charCodeAt(k))) k++;
  if (k >= n || s.charCodeAt(k) !== 61 || k - i > 128) return false;
  pair.key = s.slice(i, k);
  k++;
  if (s.charCodeAt(k) === 34) {
    let out = '';
    let from = k + 1;
    let j = from;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 34) break;
      if (c === 92 && j + 1 < n) {
        const e = s.charCodeAt(j + 1);
        out += s.slice(from, j) + (e === 110 ? '\n' : e === 116 ? '\t' : e === 114 ? '\r' : s[j + 1]);
        j++;
        from = j + 1;
      }
    }
    if (j >= n) return false; // unterminated quote
    pair.value = out + s.slice(from, j);
    pair.quoted = true;
    pair.end = j + 1;
    return true;
  }
  let j = k;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === 32 || c === 9 || (seps.length > 0 && seps.indexOf(s[j]) >= 0)) break;
    j++;
  }
  pair.value = s.slice(k, j);
  pair.quoted = false;
  pair.end = j;
  return true;
}
