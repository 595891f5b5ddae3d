/**
 * log4j / logback / Spring Boot pattern layouts: a timestamp, then level, thread and logger in the
 * orders those layouts use, then the message (which may span lines: stack traces joined by the
 * collector stay in it).
 *   2015-10-18 18:01:47,978 INFO [main] org.x.Y: msg
 *   2015-10-18 18:01:47.978 [main] INFO  org.x.Y - msg
 *   2012-01-01 12:00:00,123 - INFO  [main:QuorumPeer@123] - msg            (Zookeeper)
 *   2026-11-27 12:00:00.123  INFO 4242 --- [main] o.s.b.Application : msg  (Spring Boot)
 */
import type { Fields, Level } from '../../core/events.js';
import { levelWord } from '../level-words.js';
import { scan, scanAnyTime } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A Java-ish class or logger name: identifier characters and dots, with at least one dot. */
function isLoggerName(s: string, a: number, b: number): boolean {
  if (b - a < 3 || b - a > 200) return false;
  let dots = 0;
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c === 46) dots++;
    else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36))
      return false;
  }
  return dots > 0 && s.charCodeAt(b - 1) !== 46;
}

/** `[thread]`, `[thread:Class@line]` (Zookeeper) or `[myid:1]` into fields. */
function bracket(fields: Fields, part: string): void {
  if (part.startsWith('myid:')) {
    fields.myid = part.slice(5);
    return;
  }
  const at = part.lastIndexOf('@');
  const colon = part.lastIndexOf(':', at);
  if (at > 0 && colon > 0) {
    const lineNo = Number(part.slice(at + 1));
    if (Number.isInteger(lineNo)) {
      fields.thread = part.slice(0, colon);
      fields.class = part.slice(colon + 1, at);
      fields.line = lineNo;
      return;
    }
  }
  fields.thread = part.trim();
}

/** Parses a log4j-style line; it needs a stamp, a level word, and a thread or a logger. */
export function parseLog4j(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const ts = scanAnyTime(line, 0, ctx.zone, ctx.refMs);
  if (Number.isNaN(ts)) return null;
  let i = scan.end;
  const fields: Fields = {};
  let level: Level | undefined;
  let levelRaw = '';
  let thread = false;
  let logger = false;
  for (let step = 0; step < 7; step++) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    const c = line.charCodeAt(i);
    if (c === 45 && line.charCodeAt(i + 1) === 32) {
      i += 2;
      // A ` - ` after the level and a thread or logger ends the header.
      if (level !== undefined && (thread || logger)) break;
      continue;
    }
    if (c === 45 && line.charCodeAt(i + 1) === 45 && line.charCodeAt(i + 2) === 45) {
      i += 3;
      continue;
    }
    if (c === 58 && line.charCodeAt(i + 1) === 32) {
      i += 2;
      break;
    }
    if (c === 91) {
      if (thread) break;
      const close = line.indexOf(']', i + 1);
      if (close < 0 || close - i > 256) return null;
      bracket(fields, line.slice(i + 1, close));
      if (fields.thread !== undefined) thread = true;
      i = close + 1;
      continue;
    }
    let e = i;
    while (e < n && line.charCodeAt(e) !== 32) e++;
    if (level === undefined) {
      const word = line.slice(i, e);
      const lv = levelWord(word);
      if (lv !== undefined) {
        level = lv;
        if (word.toLowerCase() !== lv) levelRaw = word;
        i = e;
        continue;
      }
      if (isDigit(c)) break;
      return null;
    }
    if (isDigit(c) && fields.pid === undefined && !logger) {
      let k = i;
      while (k < e && isDigit(line.charCodeAt(k))) k++;
      if (k === e) {
        fields.pid = Number(line.slice(i, e));
        i = e;
        continue;
      }
    }
    if (!logger) {
      const colon = line.charCodeAt(e - 1) === 58;
      const nameEnd = colon ? e - 1 : e;
      if (isLoggerName(line, i, nameEnd) || (colon && nameEnd > i && step > 0)) {
        fields.logger = line.slice(i, nameEnd);
        logger = true;
        i = e;
        if (colon) break;
        continue;
      }
    }
    break;
  }
  if (level === undefined || !(thread || logger)) return null;
  while (i < n && line.charCodeAt(i) === 32) i++;
  if (levelRaw !== '') fields.level_raw = levelRaw;
  return { format: 'log4j', ts, level, message: line.slice(i, n), service: null, host: null, fields };
}

/** The `log4j` format. */
export const log4j: FormatDef = { id: 'log4j', parse: parseLog4j, probe: (_l, first) => isDigit(first) };
