/**
 * Android logcat, `threadtime` layout (the default of `adb logcat`):
 *   11-27 12:00:00.123  1234  5678 I ActivityManager: Start proc com.example
 * The year is inferred; the tag becomes a field.
 */
import type { Fields } from '../../core/events.js';
import { levelLetter } from '../level-words.js';
import { scan, scanMonthDayDate } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

function number(line: string, i: number, n: number): number {
  let k = i;
  while (k < n && line.charCodeAt(k) === 32) k++;
  const start = k;
  while (k < n && line.charCodeAt(k) >= 48 && line.charCodeAt(k) <= 57) k++;
  if (k === start || line.charCodeAt(k) !== 32) return -1;
  scan.end = k;
  return Number(line.slice(start, k));
}

/** Parses a logcat threadtime line. */
export function parseLogcat(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const ts = scanMonthDayDate(line, 0, ctx.zone, ctx.refMs);
  if (Number.isNaN(ts) || line.charCodeAt(scan.end) !== 32) return null;
  const pid = number(line, scan.end, n);
  if (pid < 0) return null;
  const tid = number(line, scan.end, n);
  if (tid < 0) return null;
  const i = scan.end + 1;
  const level = levelLetter(line[i]);
  if (level === undefined || line.charCodeAt(i + 1) !== 32) return null;
  // The tag runs to `: ` (tags may hold spaces, and are padded).
  const colon = line.indexOf(': ', i + 2);
  const end = colon < 0 ? (line.charCodeAt(n - 1) === 58 ? n - 1 : -1) : colon;
  if (end < 0) return null;
  const fields: Fields = { pid, tid, tag: line.slice(i + 2, end).trim() };
  return {
    format: 'logcat',
    ts,
    level,
    message: line.slice(Math.min(end + 2, n), n),
    service: null,
    host: null,
    fields,
  };
}

/** The `logcat` format. */
export const logcat: FormatDef = {
  id: 'logcat',
  parse: parseLogcat,
  probe: (line, first) => first >= 48 && first <= 57 && line.charCodeAt(2) === 45,
};
