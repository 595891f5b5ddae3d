/** DuckDB's spelling of the planner's needs (JSON extension functions, RE2 regexes, bucket arithmetic). */
import { type Dialect, TIME_BUCKET_ORIGIN_US } from '../../core/dialect.js';
import { doubleLiteral, jsonKeyPathLiteral, numberLiteral } from '../../core/sql-literals.js';
import { longestRun, partsThatMayHold, REBUILT_SQL, STORED_RAW_COLUMN, TIME_CUT_SQL } from './raw-text.js';

/** The DuckDB dialect over the `logs` table. */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  table: 'logs',
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  // make_timestamp(BIGINT) takes epoch microseconds: no precision lost through a DOUBLE.
  timeParam: () => 'make_timestamp(CAST(? AS BIGINT))',
  jsonText: (col, key) => `json_extract_string(${col}, ${jsonKeyPathLiteral(key)})`,
  jsonValue: (col, key) => `json_extract(${col}, ${jsonKeyPathLiteral(key)})`,
  jsonNumber: (col, key) => {
    const path = jsonKeyPathLiteral(key);
    // Only JSON numbers count: a string "42" stays text, as the parsers typed it.
    return `(CASE WHEN json_type(${col}, ${path}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN CAST(json_extract_string(${col}, ${path}) AS DOUBLE) END)`;
  },
  containsParam: (expr) => `contains(${expr}, ?)`,
  lower: (expr) => `lower(${expr})`,
  // An ESCAPE clause makes DuckDB take a slower matcher: only use it when the pattern needs it.
  likeParam: (expr, escaped) => (escaped ? `(${expr} LIKE ? ESCAPE '\\')` : `(${expr} LIKE ?)`),
  regexParam: (expr, ignoreCase) =>
    ignoreCase ? `regexp_matches(${expr}, ?, 'i')` : `regexp_matches(${expr}, ?)`,
  numberText: (expr) => `CAST(${expr} AS VARCHAR)`,
  rebuiltParts: (needle, wildcard) => {
    const run = longestRun(needle, wildcard);
    const parts = run === '' ? null : partsThatMayHold(run);
    return parts === null ? null : { rebuilt: REBUILT_SQL, run, ...parts };
  },
  storedLine: (needle, wildcard) => {
    // A needle of two characters or more without a digit can neither lie in a time text (no two
    // non-digits are next to each other there) nor cross its ends (digits, and the stored line's
    // placeholder is a digit): it matches the stored line where it matches the whole one.
    if (wildcard || needle.length < 2 || /[0-9]/.test(needle)) return null;
    return { cut: TIME_CUT_SQL, raw: `"${STORED_RAW_COLUMN}"` };
  },
  timeBucketKey: (expr, intervalUs) => {
    // Integer division of epoch microseconds: about 30 % less CPU per row than time_bucket()
    // (bench/query.bench.ts, timechart). Buckets start at shift + k * interval, shift being the
    // origin's remainder. `//` truncates towards zero, so times before `shift` take the other
    // branch, which floors; a CASE costs less here than a remainder-based correction.
    const us = `epoch_us(${expr})`;
    const shift = bucketShift(intervalUs);
    const iv = bigintLiteral(intervalUs);
    const floored = minus(us, shift + intervalUs - 1);
    return `(CASE WHEN ${us} >= ${numberLiteral(shift)} THEN ${minus(us, shift)} // ${iv} ELSE ${floored} // ${iv} END)`;
  },
  timeBucketStart: (key, intervalUs) => {
    const shift = bucketShift(intervalUs);
    const start = `${key} * ${bigintLiteral(intervalUs)}`;
    return `make_timestamp(${shift === 0 ? start : `${start} + ${numberLiteral(shift)}`})`;
  },
  quantile: (expr, q) => `quantile_cont(${expr}, ${doubleLiteral(q)})`,
  countDistinct: (expr) => `count(DISTINCT ${expr})`,
  leftChars: (expr, chars) => `left(${expr}, ${numberLiteral(chars)})`,
  leftJsonValues: (col, chars) => {
    const n = numberLiteral(chars);
    // Rebuilt key by key only when the object is longer than one value may be: most events'
    // fields are short and pass as they are. `strlen` (bytes, kept with the string) rather than
    // `length` (characters, counted): never less, so nothing long passes whole. Measured on a
    // page of 200 events of 64 KB fields: this 29 ms, whole 65, `length` 39-44, a map and a
    // lambda instead of json_each 37-48; on 200 short events all within 1-2 ms of whole (17-21).
    const value = `CASE WHEN strlen(CAST(value AS VARCHAR)) <= ${n} THEN value WHEN type = 'VARCHAR' THEN to_json(left(value ->> '$', ${n})) ELSE to_json(left(CAST(value AS VARCHAR), ${n})) END`;
    const rebuilt = `(SELECT json_group_object(key, ${value}) FROM json_each(${col}))`;
    return `(CASE WHEN ${col} IS NULL OR strlen(CAST(${col} AS VARCHAR)) <= ${n} THEN ${col} ELSE ${rebuilt} END)`;
  },
};

/** The origin modulo the interval: buckets start at `shift + k * interval`, as from the origin. */
function bucketShift(intervalUs: number): number {
  return ((TIME_BUCKET_ORIGIN_US % intervalUs) + intervalUs) % intervalUs;
}

/** `expr - n`, or `expr` when n is 0. */
function minus(expr: string, n: number): string {
  return n === 0 ? expr : `(${expr} - ${numberLiteral(n)})`;
}

/** A whole number as a BIGINT (an interval too large for one fails, as time_bucket did). */
function bigintLiteral(n: number): string {
  return `CAST(${numberLiteral(n)} AS BIGINT)`;
}
