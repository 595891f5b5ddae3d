/** Converts DuckDB result values to JSON-safe plain values: ISO timestamps, numbers, parsed JSON. */
import type { DuckDBResultReader, DuckDBType } from '@duckdb/node-api';

type Convert = (v: unknown) => unknown;

const identity: Convert = (v) => v;
const toNumber: Convert = (v) => (v === null ? null : Number(v));
const toIsoTimestamp: Convert = (v) => {
  if (v === null || typeof v !== 'string') return v;
  // DuckDB renders `2024-01-02 03:04:05.123456`; the fraction may be shorter or absent.
  const [date, time] = v.split(' ');
  if (!time) return v;
  const dot = time.indexOf('.');
  const hms = dot === -1 ? time : time.slice(0, dot);
  const frac = dot === -1 ? '' : time.slice(dot + 1).replace(/[+-].*$/, '');
  return `${date}T${hms}.${frac.padEnd(6, '0').slice(0, 6)}Z`;
};
const parseJson: Convert = (v) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

function converterFor(type: DuckDBType): Convert {
  const alias = (type as { alias?: string }).alias;
  if (alias === 'JSON') return parseJson;
  const name = type.toString();
  if (name === 'TIMESTAMP' || name.startsWith('TIMESTAMP')) return toIsoTimestamp;
  if (name === 'BIGINT' || name === 'HUGEINT' || name === 'UBIGINT' || name === 'UHUGEINT') return toNumber;
  if (name.startsWith('DECIMAL')) return toNumber;
  return identity;
}

/** Reads a result's rows as plain objects with JSON-safe values, at most `limit` of them. */
export function readRows(
  reader: DuckDBResultReader,
  limit = Number.POSITIVE_INFINITY,
): {
  columns: string[];
  rows: Record<string, unknown>[];
} {
  const columns = reader.columnNames();
  const converters = reader.columnTypes().map(converterFor);
  const json = reader.getRowsJson();
  const n = Math.min(json.length, limit);
  const rows: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const src = json[i];
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) row[columns[c]] = converters[c](src[c]);
    rows[i] = row;
  }
  return { columns, rows };
}
