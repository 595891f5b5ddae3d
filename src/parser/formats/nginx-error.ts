/**
 * nginx error log:
 *   2026/11/27 12:00:00 [error] 1234#5678: *90 open() "/x" failed (2: No such file), client: 10.0.0.1, server: localhost, request: "GET /x HTTP/1.1", host: "localhost"
 * The trailing `, key: value` context becomes fields (the request split like an access line;
 * `host:` is the HTTP Host header, stored as http_host).
 */
import type { Fields } from '../../core/events.js';
import { normaliseLevel } from '../../core/levels.js';
import { scan, scanSlashDate } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';
import { typedValue } from '../values.js';

const CONTEXT_KEYS: Record<string, string> = {
  client: 'client_ip',
  server: 'server',
  request: 'request',
  upstream: 'upstream',
  host: 'http_host',
  referrer: 'referrer',
  subrequest: 'subrequest',
};

function readDigits(s: string, i: number): number {
  let k = i;
  while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
  return k;
}

/** Parses the `, client: ..., request: "..."` tail into fields; returns where it starts, or -1. */
function context(line: string, n: number, fields: Fields): number {
  const start = line.indexOf(', client: ');
  if (start < 0) return -1;
  let k = start;
  while (k < n && line.charCodeAt(k) === 44 && line.charCodeAt(k + 1) === 32) {
    const colon = line.indexOf(': ', k + 2);
    if (colon < 0) break;
    const key = line.slice(k + 2, colon);
    const name = CONTEXT_KEYS[key];
    if (name === undefined) break;
    let v: string;
    let e: number;
    if (line.charCodeAt(colon + 2) === 34) {
      e = line.indexOf('"', colon + 3);
      if (e < 0) e = n;
      v = line.slice(colon + 3, e);
      e++;
    } else {
      e = line.indexOf(', ', colon + 2);
      if (e < 0 || e > n) e = n;
      v = line.slice(colon + 2, e);
    }
    if (name === 'request') {
      const sp1 = v.indexOf(' ');
      const sp2 = v.lastIndexOf(' ');
      if (sp1 > 0 && sp2 > sp1) {
        fields.method = v.slice(0, sp1);
        fields.path = v.slice(sp1 + 1, sp2);
        fields.protocol = v.slice(sp2 + 1);
      } else fields.request = v;
    } else {
      const tv = typedValue(v);
      if (tv !== undefined) fields[name] = name === 'client_ip' ? v : tv;
    }
    k = e;
  }
  return start;
}

/** Parses an nginx error line. */
export function parseNginxError(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const ts = scanSlashDate(line, 0, ctx.zone);
  if (Number.isNaN(ts)) return null;
  let i = scan.end;
  if (line.charCodeAt(i) !== 32 || line.charCodeAt(i + 1) !== 91) return null;
  const close = line.indexOf(']', i + 2);
  if (close < 0 || close - i > 12) return null;
  const word = line.slice(i + 2, close);
  const level = normaliseLevel(word);
  if (level === 'unknown') return null;
  const fields: Fields = {};
  if (word !== level) fields.level_raw = word;
  i = close + 1;
  if (line.charCodeAt(i) === 32) i++;
  // `pid#tid: ` (always written) then an optional `*connection `.
  const p = readDigits(line, i);
  if (p === i || line.charCodeAt(p) !== 35) return null;
  {
    const t = readDigits(line, p + 1);
    if (t === p + 1 || line.charCodeAt(t) !== 58) return null;
    fields.pid = Number(line.slice(i, p));
    fields.tid = Number(line.slice(p + 1, t));
    i = t + 1;
    if (line.charCodeAt(i) === 32) i++;
    if (line.charCodeAt(i) === 42) {
      const c = readDigits(line, i + 1);
      if (c > i + 1) {
        fields.connection = Number(line.slice(i + 1, c));
        i = c;
        if (line.charCodeAt(i) === 32) i++;
      }
    }
  }
  const ctxStart = context(line, n, fields);
  const message = line.slice(i, ctxStart >= i ? ctxStart : n);
  return { format: 'nginx_error', ts, level, message, service: null, host: null, fields };
}

/** The `nginx_error` format. */
export const nginxError: FormatDef = {
  id: 'nginx_error',
  parse: parseNginxError,
  probe: (line, first) => first >= 48 && first <= 57 && line.charCodeAt(4) === 47,
};
