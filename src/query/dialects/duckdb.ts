/** DuckDB's spelling of the planner's needs (JSON extension functions, RE2 regexes, time_bucket). */
import { type Dialect, jsonKeyPathLiteral, numberLiteral } from '../dialect.js';

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
  timeBucket: (expr, intervalUs) =>
    `time_bucket(to_microseconds(CAST(${numberLiteral(intervalUs)} AS BIGINT)), ${expr})`,
  quantile: (expr, q) => `quantile_cont(${expr}, ${numberLiteral(q)})`,
  countDistinct: (expr) => `count(DISTINCT ${expr})`,
};
