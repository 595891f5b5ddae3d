/**
 * The fallback for lines no format claims: a timestamp in any known layout near the start (bare,
 * or in `[...]`/`(...)`), a level word among the next few tokens, and the rest as message. Format
 * `generic` when it finds either; when it finds neither the line is left to `unknown`.
 */
import type { Fields, Level } from '../../core/events.js';
import { levelLetter, levelToken } from '../level-words.js';
import { scan, scanAnyTime } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** What `scanHead` found; one shared slot, read right after the call. */
export const head = { ts: Number.NaN, level: 'unknown' as Level, levelRaw: '', msgStart: 0 };

/** How far into the line a timestamp may start. */
const TS_WINDOW = 48;

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function skipSpaces(s: string, i: number, n: number): number {
  let k = i;
  while (k < n && isSpace(s.charCodeAt(k))) k++;
  return k;
}

/** Skips spaces and lone separators (`-`, `|`, `:`, `--`) between header parts. */
function skipSeparators(s: string, i: number, n: number): number {
  let k = i;
  for (;;) {
    k = skipSpaces(s, k, n);
    const c = s.charCodeAt(k);
    if ((c === 45 || c === 124 || c === 58) && (k + 1 >= n || isSpace(s.charCodeAt(k + 1)))) k++;
    else if (c === 45 && s.charCodeAt(k + 1) === 45 && isSpace(s.charCodeAt(k + 2))) k += 2;
    else return k;
  }
}

/** Tries a timestamp at `i` (optionally bracketed); returns its end, or -1. */
function timeAt(s: string, i: number, ctx: ParseContext): number {
  let k = i;
  const c = s.charCodeAt(k);
  const open = c === 91 || c === 40;
  if (open) k++;
  const ts = scanAnyTime(s, k, ctx.zone, ctx.refMs);
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

/**
 * Finds the timestamp and level at the start of `line` (up to `n`) into `head`; false when
 * there is neither. `head.msgStart` is where the message begins.
 */
export function scanHead(line: string, n: number, ctx: ParseContext): boolean {
  head.ts = Number.NaN;
  head.level = 'unknown';
  head.levelRaw = '';
  let i = skipSpaces(line, 0, n);
  let end = timeAt(line, i, ctx);
  // A stamp may follow a short prefix (a host, a pid, a tag): try the next two tokens too.
  for (let t = 0; end < 0 && t < 2; t++) {
    const sp = line.indexOf(' ', i);
    if (sp < 0 || sp > TS_WINDOW) break;
    i = skipSpaces(line, sp, n);
    end = timeAt(line, i, ctx);
  }
  let k = end >= 0 ? end : skipSpaces(line, 0, n);
  let msgStart = k;
  const tries = end >= 0 ? 3 : 2;
  for (let t = 0; t < tries; t++) {
    k = skipSeparators(line, k, n);
    if (k >= n) break;
    let e = k;
    while (e < n && !isSpace(line.charCodeAt(e))) e++;
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
    // Header noise between stamp and level: a bracketed thread or pid, a number.
    const c0 = line.charCodeAt(k);
    if (end < 0 || !(c0 === 91 || c0 === 40 || (c0 >= 48 && c0 <= 57))) break;
    k = e;
  }
  if (Number.isNaN(head.ts) && head.level === 'unknown') return false;
  head.msgStart = skipSeparators(line, msgStart, n);
  return true;
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
