/**
 * Long values of event rows cut to a number of UTF-8 bytes (`max_value_bytes` of /api/query and
 * /api/context), each cut on a character's boundary, and the row marked with what was cut:
 * `_truncated: ["raw", "fields.payload"]`. The engine has already cut each value to one character
 * more than the bytes allowed (PlanOptions.maxValueChars), so a value still longer than the bytes
 * allowed is one that was longer in the store, and one no longer is whole.
 */
import type { Context } from 'hono';
import { CUT_COLUMNS } from '../query/index.js';
import { wholeIn } from './http-params.js';

/** The key of a row that lists the values cut. */
export const TRUNCATED_KEY = '_truncated';

/** The most bytes `max_value_bytes` takes: 16 MiB. */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;

/** The `max_value_bytes` parameter: undefined when absent, else 1 to MAX_VALUE_BYTES. */
export function maxValueBytesParam(c: Context): number | undefined {
  const text = c.req.query('max_value_bytes');
  return text === undefined ? undefined : wholeIn(text, 'max_value_bytes', 1, MAX_VALUE_BYTES);
}

/** Characters the engine is asked to cut values to for `maxBytes` bytes: one more, see above. */
export function engineChars(maxBytes: number): number {
  return maxBytes + 1;
}

/**
 * The longest start of `s` that is at most `max` bytes in UTF-8 and ends on a character's
 * boundary, or null when `s` is no longer than that. Walks at most `max` characters.
 */
export function cutUtf8(s: string, max: number): string | null {
  // A UTF-16 unit is at most 3 bytes in UTF-8 (a pair of them is 4).
  if (s.length * 3 <= max) return null;
  let bytes = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let width = 3;
    let units = 1;
    if (c < 0x80) width = 1;
    else if (c < 0x800) width = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        width = 4;
        units = 2;
      }
    }
    if (bytes + width > max) return s.slice(0, i);
    bytes += width;
    i += units - 1;
  }
  return null;
}

/** A `fields` value cut to `max` bytes: strings as text, other values by their JSON text. */
function cutFieldValue(v: unknown, max: number): string | null {
  if (typeof v === 'string') return cutUtf8(v, max);
  if (v !== null && typeof v === 'object') return cutUtf8(JSON.stringify(v), max);
  return null;
}

/**
 * Cuts the long values of event rows in place (CUT_COLUMNS and the values of `fields`) and lists
 * what was cut in each row's TRUNCATED_KEY; rows with nothing cut get no such key.
 */
export function cutRows(rows: Record<string, unknown>[], maxBytes: number): void {
  for (const row of rows) {
    let cut: string[] | null = null;
    for (const c of CUT_COLUMNS) {
      const v = row[c];
      if (typeof v !== 'string') continue;
      const short = cutUtf8(v, maxBytes);
      if (short === null) continue;
      row[c] = short;
      (cut ??= []).push(c);
    }
    const fields = row.fields;
    if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      const bag = fields as Record<string, unknown>;
      for (const k in bag) {
        const short = cutFieldValue(bag[k], maxBytes);
        if (short === null) continue;
        bag[k] = short;
        (cut ??= []).push(`fields.${k}`);
      }
    }
    if (cut !== null) row[TRUNCATED_KEY] = cut;
  }
}
