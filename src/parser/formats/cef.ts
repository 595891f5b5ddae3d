/**
 * ArcSight Common Event Format, alone or after a syslog header:
 *   CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232
 * Header parts are split on unescaped `|`; extension values run to the next ` key=`, so they may
 * hold spaces. `rt` (receipt time) gives the time; the event name is the message.
 */
import type { Fields, Level } from '../../core/events.js';
import {
  civilMs,
  digits,
  epochToMicros,
  monthAt,
  scan,
  scanAnyTime,
  scanSyslogDate,
  type Zone,
} from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';
import { setField, typedValue } from '../values.js';
import { readPriority } from './syslog-rfc3164.js';

const HEADER = [
  'cef_version',
  'device_vendor',
  'device_product',
  'device_version',
  'signature_id',
  'name',
  'severity',
];

/** CEF severity (0..10 or Low/Medium/High/Very-High) to a level. */
export function cefLevel(sev: string): Level {
  const n = Number(sev);
  if (sev !== '' && Number.isInteger(n)) {
    if (n <= 3) return 'info';
    if (n <= 6) return 'warn';
    if (n <= 8) return 'error';
    return n <= 10 ? 'fatal' : 'unknown';
  }
  switch (sev.toLowerCase()) {
    case 'low':
      return 'info';
    case 'medium':
      return 'warn';
    case 'high':
      return 'error';
    case 'very-high':
      return 'fatal';
    default:
      return 'unknown';
  }
}

function unescapeCef(s: string, header: boolean): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c === '\\' && k + 1 < s.length) {
      const e = s[++k];
      out += header ? e : e === 'n' ? '\n' : e === 'r' ? '\r' : e;
    } else out += c;
  }
  return out;
}

/** CEF time values: epoch ms, or `MMM dd yyyy HH:mm:ss[.SSS]`, or `MMM dd HH:mm:ss`. */
function cefTime(v: string, zone: Zone, refMs: number): number {
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const n = Number(v);
    return Number.isFinite(n) ? epochToMicros(n) : Number.NaN;
  }
  const mo = monthAt(v, 0);
  const d = digits(v, 4, 2);
  const y = digits(v, 7, 4);
  if (mo > 0 && d > 0 && y > 0 && v.charCodeAt(11) === 32) {
    const h = digits(v, 12, 2);
    const mi = digits(v, 15, 2);
    const s = digits(v, 18, 2);
    if (h >= 0 && mi >= 0 && s >= 0) {
      const ms = v.charCodeAt(20) === 46 ? Math.max(0, digits(v, 21, 3)) : 0;
      return (zone.toUtcMs(civilMs(y, mo, d, h, mi, s)) + ms) * 1000;
    }
  }
  return scanSyslogDate(v, 0, zone, refMs);
}

/** Parses the extension `k=v k2=v with spaces` into fields. */
function extension(ext: string, fields: Fields): void {
  // Positions of unescaped `=` that end a key (the key starts after the previous space).
  const keyStarts: number[] = [];
  const eqs: number[] = [];
  for (let k = 0; k < ext.length; k++) {
    const c = ext.charCodeAt(k);
    if (c === 92) {
      k++;
      continue;
    }
    if (c !== 61) continue;
    let ks = k - 1;
    while (ks >= 0 && ext.charCodeAt(ks) !== 32 && ext.charCodeAt(ks) !== 61) ks--;
    if (ks >= 0 && ext.charCodeAt(ks) === 61) continue; // `=` inside a value
    if (ks + 1 === k) continue;
    keyStarts.push(ks + 1);
    eqs.push(k);
  }
  for (let j = 0; j < eqs.length; j++) {
    const key = ext.slice(keyStarts[j], eqs[j]);
    const end = j + 1 < eqs.length ? keyStarts[j + 1] - 1 : ext.length;
    const raw = unescapeCef(ext.slice(eqs[j] + 1, Math.max(end, eqs[j] + 1)).trimEnd(), false);
    setField(fields, key, typedValue(raw));
  }
}

/** Parses a CEF line (optionally after a syslog header). */
export function parseCef(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const at = line.indexOf('CEF:');
  if (at < 0 || at > 200 || (at > 0 && line.charCodeAt(at - 1) !== 32)) return null;
  const parts: string[] = [];
  let from = at + 4;
  let k = from;
  for (; k < n && parts.length < 7; k++) {
    const c = line.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 124) {
      parts.push(unescapeCef(line.slice(from, k), true));
      from = k + 1;
    }
  }
  if (parts.length < 7) return null;
  const fields: Fields = {};
  // Versions and signature ids are labels ("1.0" is not the number 1); severity may be a number.
  const version = Number(parts[0]);
  fields.cef_version = Number.isInteger(version) && parts[0] !== '' ? version : parts[0];
  for (let j = 1; j < 5; j++) if (parts[j] !== '') fields[HEADER[j]] = parts[j];
  const sev = Number(parts[6]);
  if (parts[6] !== '') fields.severity = Number.isInteger(sev) ? sev : parts[6];
  extension(line.slice(from, n), fields);
  let ts = Number.NaN;
  let host: string | null = null;
  // A syslog header before CEF: gives time and host when present.
  if (at > 0) {
    let i = 0;
    if (readPriority(line) >= 0) i = scan.end;
    const t = scanAnyTime(line, i, ctx.zone, ctx.refMs);
    if (!Number.isNaN(t)) {
      ts = t;
      const hs = scan.end + 1;
      const he = line.indexOf(' ', hs);
      if (he > hs && he < at) host = line.slice(hs, he);
    }
  }
  for (const key of ['rt', 'end', 'start']) {
    const v = fields[key];
    if (v === undefined) continue;
    const t = cefTime(String(v), ctx.zone, ctx.refMs);
    if (!Number.isNaN(t)) {
      ts = t;
      break;
    }
  }
  if (host === null) {
    const dh = fields.dvchost ?? fields.shost;
    if (typeof dh === 'string') host = dh;
  }
  return { format: 'cef', ts, level: cefLevel(parts[6]), message: parts[5], service: null, host, fields };
}

/** The `cef` format. */
export const cef: FormatDef = {
  id: 'cef',
  parse: parseCef,
  probe: (line, first) => (first === 67 && line.startsWith('CEF:')) || line.indexOf(' CEF:') >= 0,
};
