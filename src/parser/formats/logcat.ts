/**
 * Android logcat, `threadtime` layout (the default of `adb logcat`):
 *   11-27 12:00:00.123  1234  5678 I ActivityManager: Start proc com.example
 * and the `brief` and `time` layouts (`L/Tag( pid): text`, the latter after the stamp):
 *   D/dalvikvm( 1234): GC_CONCURRENT freed 2049K
 *   11-27 12:00:00.123 W/ActivityManager(  585): Unable to start service
 * The year is inferred; the tag becomes a field. A brief line carries no time.
 */
import type { Fields, Level } from '../../core/events.js';
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

/**
 * `L/Tag( pid): text` or `L/Tag: text` at `i` (brief); null when it is not there. The tag runs to
 * the last `(` before `): ` or to `: `.
 */
function parseBrief(line: string, i: number, n: number, ts: number): Parsed | null {
  // logcat's letters only: V D I W E F A (`N/A: x` is not a line of logcat's).
  if ('VDIWEFA'.indexOf(line[i]) < 0 || line.charCodeAt(i + 1) !== 47) return null;
  const level = levelLetter(line[i]) as Level;
  const colon = line.indexOf(': ', i + 2);
  const end = colon < 0 ? (line.charCodeAt(n - 1) === 58 ? n - 1 : -1) : colon;
  if (end < 0 || end - i > 160) return null;
  const fields: Fields = {};
  let tagEnd = end;
  if (line.charCodeAt(end - 1) === 41) {
    const open = line.lastIndexOf('(', end);
    if (open > i + 2) {
      const pid = Number(line.slice(open + 1, end - 1));
      if (Number.isInteger(pid)) fields.pid = pid;
      tagEnd = open;
    }
  }
  // A tag holds no spaces before its pid: `W/Tag: x` yes, `I/O error: x` (prose) is a word.
  const tag = line.slice(i + 2, tagEnd).trimEnd();
  if (tag === '' || tag.indexOf(' ') >= 0) return null;
  fields.tag = tag;
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

/** Parses a logcat threadtime, time or brief line. */
export function parseLogcat(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  if (line.charCodeAt(1) === 47) return parseBrief(line, 0, n, Number.NaN);
  const ts = scanMonthDayDate(line, 0, ctx.zone, ctx.refMs);
  if (Number.isNaN(ts) || line.charCodeAt(scan.end) !== 32) return null;
  if (line.charCodeAt(scan.end + 2) === 47) return parseBrief(line, scan.end + 1, n, ts);
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
  probe: (line, first) =>
    (first >= 48 && first <= 57 && line.charCodeAt(2) === 45) ||
    (first >= 65 && first <= 90 && line.charCodeAt(1) === 47),
};
