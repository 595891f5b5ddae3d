/**
 * logfmt (Heroku, Go's log/slog text handler, Grafana): the whole line is `key=value` pairs,
 * values bare or double-quoted: `time=2026-11-27T12:00:00Z level=info msg="done" status=200`.
 * Well-known keys become the event's time, level, message, service and host, as for JSON.
 */

import type { FormatDef, ParseContext, Parsed } from '../types.js';
import { pair, readPair, typedValue } from '../values.js';
import { fromObject, type Obj, TS_KEYS } from './json.js';

/**
 * Epoch values below this are not taken for a time in text pairs: 1e8 s is 1973-03-03. A bare
 * `t=4` or `time=12` in a line is a count or a duration, not four seconds after 1970.
 */
const MIN_EPOCH = 1e8;

/** A pair value under a time key that cannot be an epoch time: a small number, or numeric text. */
function smallNumber(v: unknown): boolean {
  if (typeof v === 'number') return !(v >= MIN_EPOCH);
  if (typeof v !== 'string' || v.length === 0 || v.length > 20) return false;
  const x = Number(v);
  return Number.isFinite(x) && !(x >= MIN_EPOCH);
}

/**
 * The event of a line's pairs (logfmt, kv), as for JSON (`fromObject`), except that a time key
 * holding a small number stays a field instead of becoming the time.
 */
export function fromPairs(o: Obj, ctx: ParseContext, format: string, line: string): Parsed {
  let kept: Obj | null = null;
  for (const k of TS_KEYS) {
    if (Object.hasOwn(o, k) && smallNumber(o[k])) {
      kept ??= {};
      kept[k] = o[k];
      delete o[k];
    }
  }
  const p = fromObject(o, ctx, format, line);
  if (kept !== null) for (const k in kept) p.fields[k] = kept[k] as string | number;
  return p;
}

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
  return fromPairs(o, ctx, 'logfmt', line);
}

/** The `logfmt` format. */
export const logfmt: FormatDef = {
  id: 'logfmt',
  parse: parseLogfmt,
  probe: (_line, first) => ((first | 0x20) >= 97 && (first | 0x20) <= 122) || first === 95 || first === 64,
};
