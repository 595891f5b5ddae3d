/**
 * Lone surrogates: UTF-16 halves without their pair, which JSON text can carry as escapes
 * (`"\ud800"`) and JavaScript strings hold, but UTF-8 cannot encode. Written as UTF-8 they
 * become U+FFFD; written as JSON escapes they make text DuckDB's JSON reader refuses.
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Whether `s` holds no lone surrogate. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** `s` with each lone surrogate replaced by U+FFFD, as UTF-8 encoding replaces it. */
export function toWellFormed(s: string): string {
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, '\ufffd') : s;
}
