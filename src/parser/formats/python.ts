/**
 * Python `logging` output in its common shapes:
 *   WARNING:root:disk almost full                                  (basicConfig default)
 *   2026-11-27 12:00:00,123 - myapp.db - ERROR - connection lost    (the cookbook layout)
 *   [2026-11-27 12:00:00,123] ERROR in app: boom                    (Flask)
 */
import type { Fields, Level } from '../../core/events.js';
import { scan, scanIso } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

const PY_LEVELS: Record<string, Level> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  WARN: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
  FATAL: 'fatal',
};

function make(ts: number, word: string, logger: string, message: string): Parsed {
  const level = PY_LEVELS[word];
  const fields: Fields = { logger };
  if (word.toLowerCase() !== level) fields.level_raw = word;
  return { format: 'python', ts, level, message, service: null, host: null, fields };
}

/** Parses a Python logging line. */
export function parsePython(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const c = line.charCodeAt(0);
  if (c >= 65 && c <= 90) {
    // LEVEL:logger:message
    const a = line.indexOf(':');
    if (a < 4 || a > 8) return null;
    const word = line.slice(0, a);
    if (PY_LEVELS[word] === undefined) return null;
    const b = line.indexOf(':', a + 1);
    if (b < 0 || b - a > 128) return null;
    const logger = line.slice(a + 1, b);
    if (logger === '' || logger.indexOf(' ') >= 0) return null;
    return make(Number.NaN, word, logger, line.slice(b + 1, n));
  }
  if (c === 91) {
    // [asctime] LEVEL in module: message
    const ts = scanIso(line, 1, ctx.zone);
    if (Number.isNaN(ts) || line.charCodeAt(scan.end) !== 93 || line.charCodeAt(scan.end + 1) !== 32)
      return null;
    const ws = scan.end + 2;
    const we = line.indexOf(' in ', ws);
    if (we < 0 || we - ws > 8) return null;
    const word = line.slice(ws, we);
    if (PY_LEVELS[word] === undefined) return null;
    const colon = line.indexOf(': ', we + 4);
    if (colon < 0 || colon - we > 132) return null;
    const logger = line.slice(we + 4, colon);
    if (logger.indexOf(' ') >= 0) return null;
    return make(ts, word, logger, line.slice(colon + 2, n));
  }
  // asctime - name - LEVEL - message
  const ts = scanIso(line, 0, ctx.zone);
  if (Number.isNaN(ts)) return null;
  let i = scan.end;
  if (line.charCodeAt(i) !== 32 || line.charCodeAt(i + 1) !== 45 || line.charCodeAt(i + 2) !== 32)
    return null;
  i += 3;
  const a = line.indexOf(' - ', i);
  if (a < 0 || a - i > 128) return null;
  const logger = line.slice(i, a);
  const b = line.indexOf(' - ', a + 3);
  if (b < 0 || b - a > 12) return null;
  const word = line.slice(a + 3, b);
  if (PY_LEVELS[word] === undefined) return null;
  return make(ts, word, logger, line.slice(b + 3, n));
}

/** The `python` format. */
export const python: FormatDef = {
  id: 'python',
  parse: parsePython,
  probe: (_l, first) => (first >= 48 && first <= 57) || (first >= 65 && first <= 90) || first === 91,
};
