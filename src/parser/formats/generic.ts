/**
 * The fallback for lines no format claims: a timestamp in any known layout near the start (bare,
 * or in `[...]`/`(...)`), a level word among the next few tokens, and the rest as message. Format
 * `generic` when it finds either; when it finds neither the line is left to `unknown`.
 */
import type { Fields, Level } from '../../core/events.js';
import { levelFromSyslogSeverity } from '../../core/levels.js';
import { levelLetter, levelToken } from '../level-words.js';
import { abbreviatedZone, digits, scan, scanAnyTime, type Zone } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** What `scanHead` found; one shared slot, read right after the call. */
export const head = { ts: Number.NaN, level: 'unknown' as Level, levelRaw: '', msgStart: 0 };

/** How far into the line a timestamp may start. */
const TS_WINDOW = 48;
/** How far into the line an epoch-seconds column may start (HPC: the fifth column). */
const EPOCH_WINDOW = 96;

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function skipSpaces(s: string, i: number, n: number): number {
  let k = i;
  while (k < n && isSpace(s.charCodeAt(k))) k++;
  return k;
}

/** Skips spaces and lone separators (`-`, `|`, `:`, `,`, `--`) between header parts. */
function skipSeparators(s: string, i: number, n: number): number {
  let k = i;
  for (;;) {
    k = skipSpaces(s, k, n);
    const c = s.charCodeAt(k);
    if ((c === 45 || c === 124 || c === 58 || c === 44) && (k + 1 >= n || isSpace(s.charCodeAt(k + 1)))) k++;
    else if (c === 45 && s.charCodeAt(k + 1) === 45 && isSpace(s.charCodeAt(k + 2))) k += 2;
    else return k;
  }
}

/** Tries a timestamp at `i` (optionally bracketed) into `head.ts`; returns its end, or -1. */
function timeAt(s: string, i: number, zone: Zone, refMs: number): number {
  let k = i;
  const c = s.charCodeAt(k);
  const open = c === 91 || c === 40;
  if (open) k++;
  const ts = scanAnyTime(s, k, zone, refMs);
  if (Number.isNaN(ts)) return -1;
  let end = scan.end;
  if (open) {
    const close = s.charCodeAt(end);
    if (close !== 93 && close !== 41) return -1;
    end++;
  }
  head.ts = ts;
  return end;
}

/** Ten digits at `i` standing alone (epoch seconds as a column) into `head.ts`; its end, or -1. */
function epochColumnAt(s: string, i: number, n: number): number {
  const v = digits(s, i, 10);
  if (v < 0 || (i + 10 < n && !isSpace(s.charCodeAt(i + 10)))) return -1;
  head.ts = v * 1_000_000;
  return i + 10;
}

/** `<N>` at `i` (a kernel or syslog priority, 0..191): the severity (`N & 7`) with `scan.end` past it, or -1. */
function priorityAt(s: string, i: number): number {
  let v = 0;
  let k = i + 1;
  for (; k < i + 4; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (k === i + 1 || s.charCodeAt(k) !== 62 || v > 191) return -1;
  scan.end = k + 1;
  return v & 7;
}

/** Whether `s[k, e)` is a container stream (`stdout`/`stderr`) followed by a CRI tag `F`/`P`. */
function criStreamAt(s: string, k: number, e: number): boolean {
  if (e - k !== 6 || s.charCodeAt(k) !== 115 || s.charCodeAt(k + 1) !== 116 || s.charCodeAt(k + 2) !== 100) {
    return false;
  }
  const rest = s.slice(k + 3, e);
  if (rest !== 'out' && rest !== 'err') return false;
  const tag = s.charCodeAt(e + 1);
  return (
    s.charCodeAt(e) === 32 && (tag === 70 || tag === 80) && (e + 2 >= s.length || s.charCodeAt(e + 2) === 32)
  );
}

/** klog's header at `k` (`I1106 ...`: a level letter and four digits): the level, or undefined. */
function klogLetterAt(s: string, k: number): Level | undefined {
  const ch = s.charCodeAt(k);
  if (ch !== 73 && ch !== 87 && ch !== 69 && ch !== 70) return undefined;
  if (digits(s, k + 1, 4) < 0 || s.charCodeAt(k + 5) !== 32) return undefined;
  return levelLetter(s[k]);
}

/** Index of the first space or tab in `s[k, n)`, or `n`. */
function tokenEnd(s: string, k: number, n: number): number {
  let e = k;
  while (e < n && !isSpace(s.charCodeAt(e))) e++;
  return e;
}

/**
 * Finds the timestamp and level at the start of `line` (up to `n`) into `head`; false when
 * there is neither. `head.msgStart` is where the message begins.
 */
export function scanHead(line: string, n: number, ctx: ParseContext): boolean {
  head.ts = Number.NaN;
  head.level = 'unknown';
  head.levelRaw = '';
  let i = skipSpaces(line, 0, n);
  // A `<N>` priority up front (the kernel's printk, /dev/kmsg): the level from its severity.
  let severity = -1;
  if (line.charCodeAt(i) === 60) {
    severity = priorityAt(line, i);
    if (severity >= 0) i = skipSpaces(line, scan.end, n);
  }
  const lineStart = i;
  let stampAt = i;
  let end = timeAt(line, i, ctx.zone, ctx.refMs);
  // A stamp may follow a short prefix (a host, a pid, a tag): try the next two tokens too.
  for (let t = 0; end < 0 && t < 2; t++) {
    const sp = line.indexOf(' ', i);
    if (sp < 0 || sp > TS_WINDOW) break;
    i = skipSpaces(line, sp, n);
    stampAt = i;
    end = timeAt(line, i, ctx.zone, ctx.refMs);
  }
  // Epoch seconds as a later column (`134681 node-246 unix.hw state_change 1077804742 1 text`).
  for (let t = 0; end < 0 && t < 3; t++) {
    const sp = line.indexOf(' ', i);
    if (sp < 0 || sp > EPOCH_WINDOW) break;
    i = skipSpaces(line, sp, n);
    end = epochColumnAt(line, i, n);
  }
  let k = end >= 0 ? end : lineStart;
  if (end >= 0) {
    // A zone abbreviation after a zone-less stamp (`2017-11-06 11:11:11.123 UTC [1234] LOG:`).
    const a = skipSpaces(line, k, n);
    const e = tokenEnd(line, a, n);
    if (e - a >= 3 && e - a <= 4) {
      const zone = abbreviatedZone(line.slice(a, e));
      if (zone !== undefined) {
        const ts = head.ts;
        if (timeAt(line, stampAt, zone, ctx.refMs) < 0) head.ts = ts;
        k = e;
      }
    }
    // A CRI container line (`<stamp> stdout F <the container's line>`): the level is inside.
    const b = skipSpaces(line, k, n);
    const be = tokenEnd(line, b, n);
    if (criStreamAt(line, b, be)) {
      k = skipSpaces(line, be + 2, n);
      const letter = klogLetterAt(line, k);
      if (letter !== undefined) {
        head.level = letter;
        head.msgStart = k;
        return true;
      }
      // The container's own stamp, if any, is skipped (the runtime's is the event's time).
      const outer = head.ts;
      const inner = timeAt(line, k, ctx.zone, ctx.refMs);
      head.ts = outer;
      if (inner >= 0) k = inner;
    }
  }
  let msgStart = k;
  const tries = end >= 0 ? 3 : 2;
  for (let t = 0; t < tries; t++) {
    k = skipSeparators(line, k, n);
    if (k >= n) break;
    let e = tokenEnd(line, k, n);
    let lvl = levelToken(line, k, e);
    let rawStart = k;
    let rawEnd = e;
    if (lvl === undefined && end >= 0 && t === 0) {
      // klog/logcat-style single letters, only right after the stamp: `I`, `W/Tag:`.
      if (e - k === 1 || (e - k > 2 && line.charCodeAt(k + 1) === 47)) {
        // Only the letters klog and logcat use: a lone `A` or `C` is more often a word.
        const ch = line.charCodeAt(k);
        lvl =
          ch === 73 || ch === 87 || ch === 69 || ch === 70 || ch === 68 || ch === 86
            ? levelLetter(line[k])
            : undefined;
        rawEnd = k + 1;
        if (lvl !== undefined && e - k > 2) e = k + 2;
      }
    }
    if (lvl !== undefined) {
      head.level = lvl;
      const c = line.charCodeAt(rawStart);
      if (c === 91 || c === 40 || c === 60) rawStart++;
      let d = line.charCodeAt(rawEnd - 1);
      if (d === 58) d = line.charCodeAt(--rawEnd - 1);
      if (d === 93 || d === 41 || d === 62) rawEnd--;
      const raw = line.slice(rawStart, rawEnd);
      if (raw.toLowerCase() !== lvl) head.levelRaw = raw;
      msgStart = e;
      break;
    }
    // Header noise between stamp and level: a bracketed thread or pid, a number, `user@db`.
    const c0 = line.charCodeAt(k);
    if (end < 0 || !(c0 === 91 || c0 === 40 || (c0 >= 48 && c0 <= 57) || hasAt(line, k, e))) break;
    k = e;
  }
  if (head.level === 'unknown' && severity >= 0) {
    head.level = levelFromSyslogSeverity(severity);
    head.levelRaw = String(severity);
  }
  if (Number.isNaN(head.ts) && head.level === 'unknown') return false;
  head.msgStart = skipSeparators(line, msgStart, n);
  return true;
}

/** Whether `s[k, e)` holds an `@` (PostgreSQL's `user@database`). */
function hasAt(s: string, k: number, e: number): boolean {
  const at = s.indexOf('@', k);
  return at >= 0 && at < e;
}

/** Parses any line with a recognisable time or level; null when it has neither. */
export function parseGeneric(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  if (!scanHead(line, n, ctx)) return null;
  const fields: Fields = {};
  if (head.levelRaw !== '') fields.level_raw = head.levelRaw;
  return {
    format: 'generic',
    ts: head.ts,
    level: head.level,
    message: line.slice(head.msgStart, n),
    service: null,
    host: null,
    fields,
  };
}

/** The `generic` fallback (never auto-detected as a source's format; tried when all else fails). */
export const generic: FormatDef = { id: 'generic', parse: parseGeneric, probe: () => true };
