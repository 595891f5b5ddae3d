/**
 * Go's standard `log` package: `2009/11/10 23:00:00[.123456] [file.go:23: ]message`. The package
 * has no levels; a leading level word in the message (`[ERROR]`, `WARN:`) is used when present.
 */
import type { Fields, Level } from '../../core/events.js';
import { levelToken } from '../level-words.js';
import { scan, scanSlashDate } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** Parses a Go log line. */
export function parseGo(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  const ts = scanSlashDate(line, 0, ctx.zone);
  if (Number.isNaN(ts) || (scan.end < n && line.charCodeAt(scan.end) !== 32)) return null;
  let i = scan.end + 1;
  const fields: Fields = {};
  // `file.go:23: ` (Lshortfile / Llongfile).
  const sp = line.indexOf(' ', i);
  if (sp > i + 4 && line.charCodeAt(sp - 1) === 58) {
    const c2 = line.lastIndexOf(':', sp - 2);
    if (c2 > i + 3 && line.startsWith('.go', c2 - 3)) {
      const no = Number(line.slice(c2 + 1, sp - 1));
      if (Number.isInteger(no)) {
        fields.file = line.slice(i, c2);
        fields.line = no;
        i = sp + 1;
      }
    }
  }
  let e = i;
  while (e < n && line.charCodeAt(e) !== 32) e++;
  const level: Level = levelToken(line, i, e) ?? 'unknown';
  return {
    format: 'go',
    ts,
    level,
    message: line.slice(Math.min(i, n), n),
    service: null,
    host: null,
    fields,
  };
}

/** The `go` format. */
export const go: FormatDef = {
  id: 'go',
  parse: parseGo,
  probe: (line, first) => first >= 48 && first <= 57 && line.charCodeAt(4) === 47,
};
