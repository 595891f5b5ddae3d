/**
 * Line layouts the store can rebuild from a row's columns, so that it need not keep the line
 * twice: an access line is its columns put back between fixed separators. The store keeps `raw`
 * (and `message`) only for lines that do not come back byte for byte; `rebuiltZone` decides, per
 * event, by building the line again and comparing. The SQL side renders the same parts (see the
 * DuckDB dialect), and a text search plans against the parts (`SEPARATORS`).
 */
import { HTTP_STAMP_LENGTH, httpStamp } from './access-line.js';
import { MONTHS } from './civil-time.js';
import type { Fields, FieldValue, LogEvent } from './events.js';
import { fitsColumn } from './schema.js';

/** One piece of a layout. */
export type LayoutPart =
  | { kind: 'lit'; text: string }
  /** A promoted column's value as text; `absent` is written when the row has none (null: required). */
  | { kind: 'column'; name: string; type: 'string' | 'integer' | 'bigint'; absent: string | null }
  /** A string field kept in the `fields` JSON; `absent` is written when the row has none. */
  | { kind: 'field'; key: string; absent: string }
  /** The event time as an HTTP log date in the row's zone: `10/Oct/2000:13:55:36 -0700`. */
  | { kind: 'stamp' }
  /** The request line: method, path and protocol, one space apart (the row's `message`). */
  | { kind: 'request' };

const ACCESS_COMMON: readonly LayoutPart[] = [
  { kind: 'column', name: 'client_ip', type: 'string', absent: null },
  { kind: 'lit', text: ' ' },
  { kind: 'field', key: 'ident', absent: '-' },
  { kind: 'lit', text: ' ' },
  { kind: 'field', key: 'user', absent: '-' },
  { kind: 'lit', text: ' [' },
  { kind: 'stamp' },
  { kind: 'lit', text: '] "' },
  { kind: 'request' },
  { kind: 'lit', text: '" ' },
  { kind: 'column', name: 'status', type: 'integer', absent: null },
  { kind: 'lit', text: ' ' },
  { kind: 'column', name: 'bytes', type: 'bigint', absent: '-' },
];

const ACCESS_COMBINED: readonly LayoutPart[] = [
  ...ACCESS_COMMON,
  { kind: 'lit', text: ' "' },
  { kind: 'column', name: 'referrer', type: 'string', absent: '-' },
  { kind: 'lit', text: '" "' },
  { kind: 'column', name: 'user_agent', type: 'string', absent: '-' },
  { kind: 'lit', text: '"' },
];

/** The layout of each format whose lines may be rebuilt. */
export const RAW_LAYOUTS: Readonly<Record<string, readonly LayoutPart[]>> = {
  apache_combined: ACCESS_COMBINED,
  apache_common: ACCESS_COMMON,
  nginx_access: ACCESS_COMBINED,
};

/**
 * Every character a layout's literal text uses. A run of other characters found in a rebuilt line
 * lies inside one part, so a search for it can look at the parts instead of the whole line.
 */
export const SEPARATORS = ' "[]';

const MONTHS_LOWER = MONTHS.map((m) => m.toLowerCase());

/**
 * Whether `text` (lowercase) could occur in an HTTP log date: digits, `/ : + -` and a space, with
 * every run of letters part of a month's name.
 */
export function mayBeInStamp(text: string): boolean {
  let letters = '';
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c !== undefined && c >= 'a' && c <= 'z') {
      letters += c;
      continue;
    }
    if (letters !== '' && !MONTHS_LOWER.some((m) => m.includes(letters))) return false;
    letters = '';
    if (c !== undefined && !'0123456789/:+- '.includes(c)) return false;
  }
  return true;
}
// Lines of a batch share their second: the last stamp built is kept.
let lastTs = Number.NaN;
let lastZone = Number.NaN;
let lastStamp: string | null = null;

function stampAt(raw: string, at: number, ts: number): number | null {
  // The zone is the one thing the columns do not hold: read it from the line, then check that
  // the whole date comes back from (ts, zone).
  if (at + HTTP_STAMP_LENGTH > raw.length) return null;
  const sign = raw.charCodeAt(at + 21);
  if (sign !== 43 && sign !== 45) return null;
  let v = 0;
  for (let k = at + 22; k < at + HTTP_STAMP_LENGTH; k++) {
    const c = raw.charCodeAt(k) - 48;
    if (!(c >= 0 && c <= 9)) return null;
    v = v * 10 + c;
  }
  const zone = (sign === 45 ? -1 : 1) * (Math.trunc(v / 100) * 60 + (v % 100));
  if (ts !== lastTs || zone !== lastZone) {
    lastStamp = httpStamp(ts, zone);
    lastTs = ts;
    lastZone = zone;
  }
  return lastStamp !== null && holds(raw, at, lastStamp) ? zone : null;
}

/** The request line the fields hold (`method path protocol`), or null when there is none. */
export function requestText(f: Fields): string | null {
  const method = f.method;
  const path = f.path;
  if (typeof method !== 'string' || typeof path !== 'string') return null;
  const protocol = f.protocol;
  if (protocol === undefined) return `${method} ${path}`;
  return typeof protocol === 'string' ? `${method} ${path} ${protocol}` : null;
}

/** A part's text for these fields (not for `stamp`), or null when the fields cannot give it. */
function partText(part: LayoutPart, f: Fields, request: string): string | null {
  switch (part.kind) {
    case 'lit':
      return part.text;
    case 'column': {
      const v = f[part.name];
      if (v === undefined) return part.absent;
      if (!fitsColumn(part.type, v)) return null;
      return typeof v === 'string' ? v : String(v);
    }
    case 'field': {
      const v = f[part.key];
      if (v === undefined) return part.absent;
      return typeof v === 'string' ? v : null;
    }
    case 'request':
      return request;
    case 'stamp':
      return null;
  }
}

/**
 * The zone (minutes east of UTC) to store with `e` when its raw line and message come back
 * exactly from its columns (`rebuildLine`, `requestText`), so that neither need be kept; null
 * when they must be stored. Runs for every stored event: written out for the access layouts
 * rather than walking RAW_LAYOUTS, and compares in place without building the line.
 */
export function rebuiltZone(e: LogEvent): number | null {
  const format = e.format;
  let combined: boolean;
  if (format === 'apache_combined' || format === 'nginx_access') combined = true;
  else if (format === 'apache_common') combined = false;
  else return null;
  const f = e.fields;
  const method = f.method;
  const path = f.path;
  const protocol = f.protocol;
  if (typeof method !== 'string' || typeof path !== 'string') return null;
  if (protocol !== undefined && typeof protocol !== 'string') return null;
  // The message is the request line.
  const m = e.message;
  const ml = method.length;
  const pl = path.length;
  if (m.length !== ml + 1 + pl + (protocol === undefined ? 0 : 1 + protocol.length)) return null;
  if (!holds(m, 0, method) || m.charCodeAt(ml) !== 32 || !holds(m, ml + 1, path)) return null;
  if (protocol !== undefined && (m.charCodeAt(ml + 1 + pl) !== 32 || !holds(m, ml + 2 + pl, protocol)))
    return null;
  const raw = e.raw;
  const ip = f.client_ip;
  if (typeof ip !== 'string' || !holds(raw, 0, ip)) return null;
  let at = ip.length;
  if (raw.charCodeAt(at) !== 32) return null;
  at = textAt(raw, at + 1, f.ident);
  if (at < 0 || raw.charCodeAt(at) !== 32) return null;
  at = textAt(raw, at + 1, f.user);
  if (at < 0 || raw.charCodeAt(at) !== 32 || raw.charCodeAt(at + 1) !== 91) return null;
  const zone = stampAt(raw, at + 2, e.ts);
  if (zone === null) return null;
  at += 2 + HTTP_STAMP_LENGTH;
  if (raw.charCodeAt(at) !== 93 || raw.charCodeAt(at + 1) !== 32 || raw.charCodeAt(at + 2) !== 34)
    return null;
  if (!holds(raw, at + 3, m)) return null;
  at += 3 + m.length;
  if (raw.charCodeAt(at) !== 34 || raw.charCodeAt(at + 1) !== 32) return null;
  const status = f.status;
  if (typeof status !== 'number' || status > 2147483647) return null;
  at = digitsAt(raw, at + 2, status);
  if (at < 0 || raw.charCodeAt(at) !== 32) return null;
  const bytes = f.bytes;
  if (bytes === undefined) at = raw.charCodeAt(at + 1) === 45 ? at + 2 : -1;
  else at = typeof bytes === 'number' ? digitsAt(raw, at + 1, bytes) : -1;
  if (at < 0) return null;
  if (combined) {
    if (raw.charCodeAt(at) !== 32 || raw.charCodeAt(at + 1) !== 34) return null;
    at = textAt(raw, at + 2, f.referrer);
    if (at < 0 || raw.charCodeAt(at) !== 34 || raw.charCodeAt(at + 1) !== 32 || raw.charCodeAt(at + 2) !== 34)
      return null;
    at = textAt(raw, at + 3, f.user_agent);
    if (at < 0 || raw.charCodeAt(at) !== 34) return null;
    at++;
  }
  return at === raw.length ? zone : null;
}

/** Where `v` (a string, or `-` when absent) ends if the line holds it at `at`; -1 otherwise. */
function textAt(raw: string, at: number, v: FieldValue | undefined): number {
  if (v === undefined) return raw.charCodeAt(at) === 45 ? at + 1 : -1;
  if (typeof v !== 'string' || !holds(raw, at, v)) return -1;
  return at + v.length;
}

/**
 * Whether `s` is in `text` at `at`. A slice compared with === runs 3-4x faster than startsWith
 * on these strings (slices of a larger read), whose chars startsWith fetches one at a time.
 */
function holds(text: string, at: number, s: string): boolean {
  return at + s.length <= text.length && text.slice(at, at + s.length) === s;
}

/** Where `n` ends if the line spells it at `at` as plain decimal digits; -1 otherwise. */
function digitsAt(raw: string, at: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) return -1;
  let k = at;
  let v = 0;
  for (;;) {
    const c = raw.charCodeAt(k) - 48;
    if (!(c >= 0 && c <= 9)) break;
    v = v * 10 + c;
    k++;
  }
  // One digit at least, and no leading zero: String(n) would not write it.
  if (k === at || (raw.charCodeAt(at) === 48 && k - at > 1)) return -1;
  return v === n ? k : -1;
}

/** The line a row that keeps no `raw` stands for (as the store's SQL rebuilds it); null when it cannot be rebuilt. */
export function rebuildLine(format: string, fields: Fields, ts: number, zone: number): string | null {
  const layout = RAW_LAYOUTS[format];
  const request = requestText(fields);
  if (layout === undefined || request === null) return null;
  let out = '';
  for (const part of layout) {
    const text = part.kind === 'stamp' ? httpStamp(ts, zone) : partText(part, fields, request);
    if (text === null) return null;
    out += text;
  }
  return out;
}
