/**
 * key=value lines that are not pure logfmt: an optional timestamp and level up front, free text,
 * and `key=value` pairs among it, separated by spaces, commas or semicolons:
 *   2026-11-27 12:00:00 WARN payment retry user=bob, amount=12.50; attempt=2
 * At least two pairs are needed. The text outside the pairs is the message.
 */
import type { FormatDef, ParseContext, Parsed } from '../types.js';
import { pair, readPair, typedValue } from '../values.js';
import { head, scanHead } from './generic.js';
import { fromObject, type Obj } from './json.js';

function isBoundary(c: number): boolean {
  return c === 32 || c === 9 || c === 44 || c === 59;
}

/** Parses a key=value line. */
export function parseKv(line: string, ctx: ParseContext): Parsed | null {
  if (line.indexOf('=') < 0) return null;
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  let i = 0;
  let ts = Number.NaN;
  let level: Parsed['level'] = 'unknown';
  let levelRaw = '';
  if (scanHead(line, n, ctx)) {
    ts = head.ts;
    level = head.level;
    levelRaw = head.levelRaw;
    i = head.msgStart;
  }
  const o: Obj = {};
  let count = 0;
  let text = '';
  let textFrom = i;
  let k = i;
  while (k < n) {
    const atBoundary = k === i || isBoundary(line.charCodeAt(k - 1));
    if (atBoundary && readPair(line, k, ',;', n)) {
      text += line.slice(textFrom, k);
      const v = pair.quoted ? pair.value : typedValue(pair.value);
      if (v !== undefined && pair.key !== '__proto__') o[pair.key] = v;
      count++;
      k = pair.end;
      // Swallow the separator after the pair.
      while (k < n && isBoundary(line.charCodeAt(k))) k++;
      textFrom = k;
      continue;
    }
    k++;
  }
  if (count < 2) return null;
  text = (text + line.slice(textFrom, n)).trim();
  if (text.endsWith(':') || text.endsWith('-') || text.endsWith('|')) text = text.slice(0, -1).trimEnd();
  const p = fromObject(o, ctx, 'kv', line);
  if (Number.isNaN(p.ts)) p.ts = ts;
  if (p.level === 'unknown' && level !== 'unknown') {
    p.level = level;
    if (levelRaw !== '') p.fields.level_raw = levelRaw;
  }
  if (p.message === line && text !== '') p.message = text;
  return p;
}

/** The `kv` format. */
export const kv: FormatDef = { id: 'kv', parse: parseKv, probe: (line) => line.indexOf('=') > 0 };
