/**
 * BSD syslog (RFC 3164) as files and devices write it, priority optional:
 *   <34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick on /dev/pts/8
 *   Oct 11 22:14:15 mymachine su: 'su root' failed
 * rsyslog's high-precision variant (an RFC 3339 stamp in place of `Oct 11 22:14:15`) is
 * accepted too. The year is inferred; the program becomes the service.
 */
import type { Fields, Level } from '../../core/events.js';
import { levelFromSyslogSeverity } from '../../core/levels.js';
import { levelToken } from '../level-words.js';
import { scan, scanIso, scanSyslogDate } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** Reads `<PRI>` at 0: returns the priority (0..191) and sets `scan.end`, or -1 when absent. */
export function readPriority(line: string): number {
  if (line.charCodeAt(0) !== 60) return -1;
  let v = 0;
  let k = 1;
  for (; k < 5; k++) {
    const c = line.charCodeAt(k) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (k === 1 || k > 4 || line.charCodeAt(k) !== 62 || v > 191) return -1;
  scan.end = k + 1;
  return v;
}

/** Adds facility and severity fields for a priority; returns the level. */
export function priorityFields(fields: Fields, pri: number): Level {
  fields.facility = pri >> 3;
  fields.severity = pri & 7;
  return levelFromSyslogSeverity(pri & 7);
}

function isTagChar(c: number): boolean {
  // Printable, not space, not `[` or `:`.
  return c > 32 && c !== 91 && c !== 58 && c !== 127;
}

/** Parses an RFC 3164 line. */
export function parseSyslog3164(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const fields: Fields = {};
  let level: Level = 'unknown';
  let i = 0;
  const pri = readPriority(line);
  if (pri >= 0) {
    level = priorityFields(fields, pri);
    i = scan.end;
  }
  const c = line.charCodeAt(i);
  const ts = c >= 48 && c <= 57 ? scanIso(line, i, ctx.zone) : scanSyslogDate(line, i, ctx.zone, ctx.refMs);
  if (Number.isNaN(ts) || line.charCodeAt(scan.end) !== 32) return null;
  i = scan.end + 1;
  // Host, unless the next token is already the tag (`prog:` / `prog[pid]:`).
  let host: string | null = null;
  let sp = line.indexOf(' ', i);
  if (sp < 0 || sp > n) sp = n;
  const tokEnd = sp;
  const last = line.charCodeAt(tokEnd - 1);
  if (last !== 58 && !(last === 93 && tokEnd - i > 2) && tokEnd > i) {
    // `2026-... ERROR db: x` is an application line, not a host named ERROR.
    if (pri < 0 && levelToken(line, i, tokEnd) !== undefined) return null;
    host = line.slice(i, tokEnd);
    i = tokEnd + 1;
  }
  // Tag: program, optional [pid], then `:`.
  let service: string | null = null;
  let aslLevel: Level | undefined;
  let k = i;
  while (k < n && isTagChar(line.charCodeAt(k))) k++;
  if (k > i && k - i <= 64) {
    const progEnd = k;
    let pidOk = true;
    if (line.charCodeAt(k) === 91) {
      const close = line.indexOf(']', k);
      if (close < 0 || close > n || close - k > 24) pidOk = false;
      else {
        const pidText = line.slice(k + 1, close);
        const pid = Number(pidText);
        fields.pid = Number.isInteger(pid) && pidText !== '' ? pid : pidText;
        k = close + 1;
      }
    }
    // macOS (ASL) puts the level between the tag and its colon: `locationd[82] <Warning>: x`.
    if (pidOk && line.charCodeAt(k) === 32 && line.charCodeAt(k + 1) === 60) {
      const close = line.indexOf('>', k + 2);
      if (close > 0 && close - k < 16 && line.charCodeAt(close + 1) === 58) {
        aslLevel = levelToken(line, k + 1, close + 1);
        if (aslLevel !== undefined) k = close + 1;
      }
    }
    if (pidOk && line.charCodeAt(k) === 58 && (k + 1 >= n || line.charCodeAt(k + 1) === 32)) {
      service = line.slice(i, progEnd);
      i = k + 1;
    } else {
      delete fields.pid;
    }
  }
  // Without a priority the tag is what tells syslog from any stamped line.
  if (pri < 0 && service === null) return null;
  while (i < n && line.charCodeAt(i) === 32) i++;
  const message = line.slice(i, n);
  if (pri < 0) {
    // No priority: a leading level word is the best evidence there is.
    let e = i;
    while (e < n && line.charCodeAt(e) !== 32) e++;
    level = aslLevel ?? levelToken(line, i, e) ?? 'unknown';
  }
  return { format: 'syslog_rfc3164', ts, level, message, service, host, fields };
}

/** The `syslog_rfc3164` format. */
export const syslogRfc3164: FormatDef = {
  id: 'syslog_rfc3164',
  parse: parseSyslog3164,
  probe: (_line, first) => first === 60 || (first >= 65 && first <= 90) || (first >= 48 && first <= 57),
};
