/**
 * logfmt (Heroku, Go's log/slog text handler, Grafana): the whole line is `key=value` pairs,
 * values bare or double-quoted: `time=2026-11-27T12:00:00Z level=info msg="done" status=200`.
 * Well-known keys become the event's time, level, message, service and host, as for JSON.
 */

import type { FormatDef, ParseContext, Parsed } from '../types.js';
import { pair, readPair, typedValue } from '../values.js';
import { fromObject, type Obj } from './json.js';

/** Parses a logfmt line: every token must be a pair, and there must be at least two. */
export function parseLogfmt(line: string, ctx: ParseContext): Parsed | null {
  const o: Obj = {};
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  let count = 0;
  let i = 0;
  for (;;) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    if (!readPair(line, i, '', n)) return null;
    const v = pair.quoted ? pair.value : typedValue(pair.value);
    if (v !== undefined) {
      if (pair.key === '__proto__')
        Object.defineProperty(o, pair.key, { value: v, enumerable: true, writable: true });
      else o[pair.key] = v;
    }
    count++;
    i = pair.end;
    const c = line.charCodeAt(i);
    if (i < n && c !== 32 && c !== 9) return null;
  }
  if (count < 2) return null;
  return fromObject(o, ctx, 'logfmt', line);
}

/** The `logfmt` format. */
export const logfmt: FormatDef = {
  id: 'logfmt',
  parse: parseLogfmt,
  probe: (_line, first) => ((first | 0x20) >= 97 && (first | 0x20) <= 122) || first === 95 || first === 64,
};
