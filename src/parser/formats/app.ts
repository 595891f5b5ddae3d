/**
 * The `app` layout (logpipe's generator writes it; many small services do the same):
 *   [2026-11-27T12:00:00.123Z] INFO [checkout] order placed id=42
 * The bracketed name after the level is the service.
 */
import type { Fields } from '../../core/events.js';
import { levelWord } from '../level-words.js';
import { scan, scanAnyTime } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** Parses an `app` line. */
export function parseApp(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  if (line.charCodeAt(0) !== 91) return null;
  const ts = scanAnyTime(line, 1, ctx.zone, ctx.refMs);
  if (Number.isNaN(ts) || line.charCodeAt(scan.end) !== 93 || line.charCodeAt(scan.end + 1) !== 32)
    return null;
  let i = scan.end + 2;
  let e = line.indexOf(' ', i);
  if (e < 0 || e > n) e = n;
  const word = line.slice(i, e);
  const level = levelWord(word);
  if (level === undefined) return null;
  const fields: Fields = {};
  if (word.toLowerCase() !== level) fields.level_raw = word;
  i = e;
  while (line.charCodeAt(i) === 32) i++;
  let service: string | null = null;
  if (line.charCodeAt(i) === 91) {
    const close = line.indexOf(']', i + 1);
    if (close > i + 1 && close - i <= 128) {
      service = line.slice(i + 1, close);
      i = close + 1;
      while (line.charCodeAt(i) === 32) i++;
    }
  }
  return { format: 'app', ts, level, message: line.slice(Math.min(i, n), n), service, host: null, fields };
}

/** The `app` format. */
export const app: FormatDef = { id: 'app', parse: parseApp, probe: (_l, first) => first === 91 };
