/**
 * What the query planner needs from a SQL engine, as small functions returning SQL text. The
 * planner decides the shape of a query; the store's dialect spells the engine-specific parts (JSON
 * access, string matching, time buckets, percentiles). Every function that takes user text takes
 * a `?` placeholder position instead: values travel as parameters, never inside the SQL. Each
 * engine exports its dialect, and a StorageEngine carries it (`StorageEngine.dialect`).
 */

/**
 * Where time buckets are counted from: 2000-01-03 00:00 UTC, a Monday (DuckDB's `time_bucket`
 * origin), so that minute, hour and day buckets start on round times and week buckets on Mondays.
 */
export const TIME_BUCKET_ORIGIN_US = Date.UTC(2000, 0, 3) * 1000;

export interface Dialect {
  readonly name: string;
  /** The events table. */
  readonly table: string;
  /** Quotes an identifier. */
  ident(name: string): string;
  /** A TIMESTAMP from a `?` bound to epoch microseconds (an integer). */
  timeParam(): string;
  /** The text of JSON key `key` in column `col`, NULL when absent. `key` is a validated field name. */
  jsonText(col: string, key: string): string;
  /** The value of JSON key `key` as the engine's JSON type (typed: numbers stay numbers), NULL when absent. */
  jsonValue(col: string, key: string): string;
  /** The value of JSON key `key` as a DOUBLE when it is a JSON number, else NULL. */
  jsonNumber(col: string, key: string): string;
  /** True when `expr` (already lowercased by the caller) contains the `?` (a lowercase string). */
  containsParam(expr: string): string;
  /** Lowercases a string expression. */
  lower(expr: string): string;
  /** `expr LIKE ?`; with `\` as the escape character when `escaped` (the pattern uses it). */
  likeParam(expr: string, escaped: boolean): string;
  /** True when regex `?` matches somewhere in `expr` (RE2 syntax). */
  regexParam(expr: string, ignoreCase: boolean): string;
  /** A number rendered as text, as the reference evaluator renders it for wildcard matches. */
  numberText(expr: string): string;
  /**
   * A whole number naming the `intervalUs`-wide bucket that holds timestamp `expr`, buckets counted
   * from TIME_BUCKET_ORIGIN_US. Queries group by this key and turn it into a time only per group.
   */
  timeBucketKey(expr: string, intervalUs: number): string;
  /** The start (a timestamp) of the bucket that `timeBucketKey` named `key`. */
  timeBucketStart(key: string, intervalUs: number): string;
  /**
   * Continuous quantile `q` in 0..1 of `expr`: at position (n - 1) * q among the sorted values,
   * interpolated as lo * (1 - f) + hi * f (DuckDB's quantile_cont; the evaluator and the planner's
   * percentiles from value counts do the same arithmetic).
   */
  quantile(expr: string, q: number): string;
  /** Number of distinct non-null values of `expr`. */
  countDistinct(expr: string): string;
  /** The first `chars` characters (code points) of text `expr`; shorter text whole. */
  leftChars(expr: string, chars: number): string;
  /**
   * JSON object `col` with every value whose JSON text is longer than `chars` characters replaced
   * by a JSON string of its first `chars` characters: a string's own text, else the value's JSON
   * text (an engine may also so replace a value of more than `chars` bytes, whole). Values no
   * longer than that, and the keys and their order, stay as they are.
   */
  leftJsonValues(col: string, chars: number): string;
  /**
   * For stores that rebuild some rows' `raw` from their columns: a condition true on those rows,
   * the run of `needle` any match in such a line holds inside one part, and the texts that could
   * hold it: `exact` pieces of the line, `loose` texts holding more than the line (null when the
   * needle has no run to look for). A text search then looks at them before building any line.
   */
  rebuiltParts?(
    needle: string,
    wildcard: boolean,
  ): { rebuilt: string; run: string; exact: string[]; loose: string[] } | null;
  /**
   * For stores that keep some lines with a part cut out (put back when `raw` is read): a
   * condition true on those rows, and the column holding the line as stored, which a search
   * for `needle` may read instead of `raw` because it matches there exactly where it matches
   * the whole line. Null when the needle must be looked for in the whole line.
   */
  storedLine?(needle: string, wildcard: boolean): { cut: string; raw: string } | null;
}
