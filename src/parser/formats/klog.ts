/**
 * klog / glog (Kubernetes components, many Go and C++ services):
 *   I1127 12:00:00.123456   12345 controller.go:123] message
 * The level letter leads; the date has no year (inferred) and no zone (the default zone applies).
 */
import type { Fields } from '../../core/events.js';
import { levelLetter } from '../level-words.js';
import { civilMs, digits, inferYear } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** Parses a klog/glog line. */
export function parseKlog(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const level = levelLetter(line[0]);
  if (level === undefined || line.charCodeAt(5) !== 32) return null;
  const mo = digits(line, 1, 2);
  const d = digits(line, 3, 2);
  const h = digits(line, 6, 2);
  const mi = digits(line, 9, 2);
  const s = digits(line, 12, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || mi < 0 || s < 0) return null;
  if (line.charCodeAt(8) !== 58 || line.charCodeAt(11) !== 58) return null;
  let i = 14;
  let us = 0;
  if (line.charCodeAt(i) === 46) {
    const f = digits(line, i + 1, 6);
    if (f < 0) return null;
    us = f;
    i += 7;
  }
  if (line.charCodeAt(i) !== 32) return null;
  while (line.charCodeAt(i) === 32) i++;
  const pidStart = i;
  while (i < n && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
  if (i === pidStart || line.charCodeAt(i) !== 32) return null;
  const fields: Fields = { pid: Number(line.slice(pidStart, i)) };
  i++;
  const close = line.indexOf('] ', i);
  const closeAtEnd = close < 0 && line.charCodeAt(n - 1) === 93 ? n - 1 : close;
  if (closeAtEnd < 0 || closeAtEnd - i > 256) return null;
  const src = line.slice(i, closeAtEnd);
  const colon = src.lastIndexOf(':');
  if (colon > 0) {
    const no = Number(src.slice(colon + 1));
    fields.file = src.slice(0, colon);
    if (Number.isInteger(no)) fields.line = no;
  } else fields.file = src;
  const y = inferYear(mo, d, h, mi, s, ctx.refMs);
  const ts = ctx.zone.toUtcMs(civilMs(y, mo, d, h, mi, s)) * 1000 + us;
  return {
    format: 'klog',
    ts,
    level,
    message: line.slice(Math.min(closeAtEnd + 2, n), n),
    service: null,
    host: null,
    fields,
  };
}

/** The `klog` format. */
export const klog: FormatDef = {
  id: 'klog',
  parse: parseKlog,
  probe: (line, first) => levelLetter(line[0]) !== undefined && first === line.charCodeAt(0),
};
