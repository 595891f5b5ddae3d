/**
 * Syslog RFC 5424, priority optional:
 *   <165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] msg
 * `-` is nil. Structured data become fields named `<sd-id>.<param>`; the app name is the service.
 */
import type { Fields, Level } from '../../core/events.js';
import { scan, scanIso } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';
import { setField, typedValue } from '../values.js';
import { priorityFields, readPriority } from './syslog-rfc3164.js';

/** Reads a header token at `i` up to the next space; returns it (`-` as null), `scan.end` after. */
function token(line: string, i: number, n: number): string | null | undefined {
  if (i >= n) return undefined;
  const sp = line.indexOf(' ', i);
  const end = sp < 0 || sp > n ? n : sp;
  if (end === i) return undefined;
  scan.end = end + 1;
  return end - i === 1 && line.charCodeAt(i) === 45 ? null : line.slice(i, end);
}

/** Reads `[id k="v" ...]...` at `i` into fields; returns the index after, or -1 when malformed. */
function structuredData(line: string, i: number, n: number, fields: Fields): number {
  let k = i;
  while (line.charCodeAt(k) === 91) {
    let e = k + 1;
    while (e < n && line.charCodeAt(e) !== 32 && line.charCodeAt(e) !== 93) e++;
    const id = line.slice(k + 1, e);
    if (id === '') return -1;
    k = e;
    while (line.charCodeAt(k) === 32) {
      const eq = line.indexOf('=', k + 1);
      if (eq < 0 || eq > n || line.charCodeAt(eq + 1) !== 34) return -1;
      const name = line.slice(k + 1, eq);
      let v = '';
      let from = eq + 2;
      let j = from;
      for (; j < n; j++) {
        const c = line.charCodeAt(j);
        if (c === 34) break;
        if (c === 92) {
          const nx = line.charCodeAt(j + 1);
          if (nx === 34 || nx === 92 || nx === 93) {
            v += line.slice(from, j);
            from = j + 1;
            j++;
          }
        }
      }
      if (j >= n) return -1;
      v += line.slice(from, j);
      setField(fields, `${id}.${name}`, typedValue(v) ?? v);
      k = j + 1;
    }
    if (line.charCodeAt(k) !== 93) return -1;
    k++;
  }
  return k;
}

/** Parses an RFC 5424 line. */
export function parseSyslog5424(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const fields: Fields = {};
  let level: Level = 'unknown';
  let i = 0;
  const pri = readPriority(line);
  if (pri >= 0) {
    level = priorityFields(fields, pri);
    i = scan.end;
  }
  // VERSION: 1 (up to 2 digits allowed), then a space.
  const v = line.charCodeAt(i) - 48;
  if (v < 1 || v > 9 || line.charCodeAt(i + 1) !== 32) return null;
  i += 2;
  let ts = Number.NaN;
  if (line.charCodeAt(i) === 45) {
    i += 2;
  } else {
    ts = scanIso(line, i, ctx.zone);
    if (Number.isNaN(ts) || line.charCodeAt(scan.end) !== 32) return null;
    i = scan.end + 1;
  }
  const host = token(line, i, n);
  if (host === undefined) return null;
  const app = token(line, scan.end, n);
  if (app === undefined) return null;
  const proc = token(line, scan.end, n);
  if (proc === undefined) return null;
  const msgid = token(line, scan.end, n);
  if (msgid === undefined) return null;
  i = scan.end;
  if (proc !== null) setField(fields, 'pid', typedValue(proc));
  if (msgid !== null) fields.msgid = msgid;
  if (line.charCodeAt(i) === 45) {
    i++;
  } else if (line.charCodeAt(i) === 91) {
    i = structuredData(line, i, n, fields);
    if (i < 0) return null;
  } else if (i < n) {
    return null;
  }
  if (line.charCodeAt(i) === 32) i++;
  // A UTF-8 BOM may open the message.
  if (line.charCodeAt(i) === 0xfeff) i++;
  return { format: 'syslog_rfc5424', ts, level, message: line.slice(i, n), service: app, host, fields };
}

/** The `syslog_rfc5424` format. */
export const syslogRfc5424: FormatDef = {
  id: 'syslog_rfc5424',
  parse: parseSyslog5424,
  probe: (line, first) => first === 60 || (first >= 49 && first <= 57 && line.charCodeAt(1) === 32),
};
