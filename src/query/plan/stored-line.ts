/** Text searches over lines a store keeps with a part cut out (storage's time text, for one). */
import type { Dialect } from '../../core/dialect.js';
import { cat, type Frag, frag } from './sql-frag.js';

/**
 * For stores that keep some lines with a part cut out: where the needles match a stored line
 * exactly where it matches the whole one, those rows are searched as stored (`searchIn` over the
 * stored line's column), so no line is put back together for a search that needs none of it.
 * CASE, not AND/OR: the engine may run the terms of a filter in any order (search.ts).
 */
export function withStoredLine(
  d: Dialect,
  needles: readonly { text: string; wildcard: boolean }[],
  search: Frag,
  searchIn: (raw: string) => Frag,
): Frag {
  // One answer for every needle: each must match a stored line where it matches the whole one.
  let stored: { cut: string; raw: string } | null = null;
  for (const n of needles) {
    stored = d.storedLine?.(n.text, n.wildcard) ?? null;
    if (stored === null) return search;
  }
  if (stored === null) return search;
  return cat(
    frag(`(CASE WHEN ${stored.cut} THEN `),
    searchIn(stored.raw),
    frag(' ELSE '),
    search,
    frag(' END)'),
  );
}
