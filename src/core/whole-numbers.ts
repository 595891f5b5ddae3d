/**
 * Whole numbers people hand logpipe (flags, URL parameters, query arguments), read one way
 * everywhere: decimal digits only, within a range the caller states and its error names. Without
 * a range `--limit 1e20` reached DuckDB as a LIMIT and came back as a raw INT128 cast error.
 */

/** The largest whole number a JavaScript number holds exactly: the default upper bound. */
export const MAX_WHOLE = Number.MAX_SAFE_INTEGER;

/** `text` as a whole number from `min` to `max` (decimal digits only), or null when it is not one. */
export function wholeNumber(text: string, min: number, max: number = MAX_WHOLE): number | null {
  if (!/^[0-9]{1,16}$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** The range as errors state it: `1 to 9007199254740991`. */
export function rangeText(min: number, max: number = MAX_WHOLE): string {
  return `${min} to ${max}`;
}
