/**
 * Lowercasing as the store's lower() does it, for the terms the planner sends and for the
 * reference evaluator: one code point to one.
 */

const SPECIAL = /[\u0130\u03a3]/;

/**
 * Lowercases like DuckDB: capital I with dot becomes a plain `i` and capital sigma always `σ`.
 * JavaScript's toLowerCase follows Unicode's full mappings instead (`İ` → `i̇`, a word-final `Σ`
 * → `ς`), which would make a term typed with them miss text the store lowercases its own way.
 */
export function lowerLikeStore(s: string): string {
  if (!SPECIAL.test(s)) return s.toLowerCase();
  return s.replaceAll('\u0130', 'i').replaceAll('\u03a3', '\u03c3').toLowerCase();
}
