/**
 * Redis server logs (3.0 on, and the older year-less layout):
 *   1:M 06 Nov 2017 11:11:11.123 * Ready to accept connections
 *   [4018] 14 Nov 07:01:22.119 * Server started, Redis version 2.2.12
 * `pid:role` (M master, S replica, C child, X sentinel), the stamp, then the level as a symbol:
 * `.` debug, `-` verbose (debug), `*` notice (info), `#` warning.
 */
import type { Fields, Level } from '../../core/events.js';
import { scan, scanDayMonthName } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

function symbolLevel(c: number): Level | undefined {
  if (c === 42) return 'info';
  if (c === 35) return 'warn';
  if (c === 45 || c === 46) return 'debug';
  return undefined;
}

/** Digits from `i`: the index past them (`i` when there are none). */
function skipDigits(s: string, i: number): number {
  let k = i;
  while (k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57) k++;
  return k;
}

/** Parses a Redis log line; null for anything else. */
export function parseRedis(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const fields: Fields = {};
  let k: number;
  if (line.charCodeAt(0) === 91) {
    k = skipDigits(line, 1);
    if (k === 1 || line.charCodeAt(k) !== 93) return null;
    fields.pid = Number(line.slice(1, k));
    k++;
  } else {
    k = skipDigits(line, 0);
    const role = line.charCodeAt(k + 1);
    if (k === 0 || line.charCodeAt(k) !== 58 || !(role === 77 || role === 83 || role === 67 || role === 88)) {
      return null;
    }
    fields.pid = Number(line.slice(0, k));
    fields.role = line[k + 1];
    k += 2;
  }
  if (line.charCodeAt(k) !== 32) return null;
  const ts = scanDayMonthName(line, k + 1, ctx.zone, ctx.refMs);
  const e = scan.end;
  if (Number.isNaN(ts) || line.charCodeAt(e) !== 32 || line.charCodeAt(e + 2) !== 32) return null;
  const level = symbolLevel(line.charCodeAt(e + 1));
  if (level === undefined) return null;
  return { format: 'redis', ts, level, message: line.slice(e + 3, n), service: null, host: null, fields };
}

/** The `redis` format. */
export const redis: FormatDef = {
  id: 'redis',
  parse: parseRedis,
  probe: (line, first) => (first === 91 || (first >= 48 && first <= 57)) && first === line.charCodeAt(0),
};
