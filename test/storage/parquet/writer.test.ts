/**
 * The Parquet writer against DuckDB's reader: whatever values go in (any Unicode, empty strings,
 * nulls in any pattern, integers to ±2^53, timestamps before 1970) come back unchanged.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ColumnValues,
  type EncodeOptions,
  encodeParquet,
  type ParquetColumn,
} from '../../../src/storage/parquet/writer.js';
import { tempDir } from '../../helpers/cli.js';

let dir = '';
let instance: DuckDBInstance;

beforeAll(async () => {
  dir = tempDir('logpipe-parquet-');
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

let fileNo = 0;

/** Writes the file and reads every column back as JSON-safe values, row by row. */
async function roundTrip(
  schema: ParquetColumn[],
  columns: ColumnValues[],
  rows: number,
  meta: Record<string, string> = {},
  opts: EncodeOptions = {},
): Promise<{ rows: unknown[][]; types: string[]; meta: Record<string, string> }> {
  const file = join(dir, `t${fileNo++}.parquet`);
  writeFileSync(file, encodeParquet(schema, columns, rows, meta, opts));
  const conn = await instance.connect();
  try {
    // Integers and timestamps as text, so nothing is lost to JavaScript numbers on the way back;
    // strings as the hex of their bytes, decoded here: the binding's text decoding drops a
    // leading U+FEFF, which the file holds.
    const isText = (c: ParquetColumn) => c.type === 'string' || c.type === 'json';
    const select = schema
      .map((c) =>
        c.type === 'timestamp_us'
          ? `epoch_us("${c.name}")::VARCHAR`
          : c.type === 'int64'
            ? `"${c.name}"::VARCHAR`
            : isText(c)
              ? `hex(encode("${c.name}"::VARCHAR))`
              : `"${c.name}"`,
      )
      .join(', ');
    const r = await conn.runAndReadAll(`SELECT ${select} FROM read_parquet('${file}')`);
    const rows = (r.getRowsJson() as unknown[][]).map((row) =>
      row.map((v, c) =>
        isText(schema[c]) && v !== null ? Buffer.from(String(v), 'hex').toString('utf8') : v,
      ),
    );
    const d = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const kv = await conn.runAndReadAll(
      `SELECT decode(key), decode(value) FROM parquet_kv_metadata('${file}')`,
    );
    return {
      rows,
      types: d.getRowsJson().map((row) => String(row[1])),
      meta: Object.fromEntries(kv.getRowsJson().map(([k, v]) => [String(k), String(v)])),
    };
  } finally {
    conn.closeSync();
  }
}

function transpose(columns: ColumnValues[], rows: number): unknown[][] {
  return Array.from({ length: rows }, (_, i) => columns.map((c) => c[i]));
}

describe('Parquet writer', () => {
  it('writes each type as DuckDB reads it, with footer metadata', async () => {
    const schema: ParquetColumn[] = [
      { name: 'ts', type: 'timestamp_us', required: true },
      { name: 'name', type: 'string', required: true },
      { name: 'status', type: 'int32', required: false },
      { name: 'bytes', type: 'int64', required: false },
      { name: 'ms', type: 'double', required: false },
      { name: 'doc', type: 'json', required: false },
    ];
    const cols: ColumnValues[] = [
      [1_767_225_600_000_000, -1, 0],
      ['GET /a', '', 'Grüße 👋'],
      [200, null, -2147483648],
      [2 ** 53 - 1, -(2 ** 53) + 1, null],
      [0.25, null, -1e300],
      ['{"a":1}', null, '[]'],
    ];
    const out = await roundTrip(schema, cols, 3, { 'logpipe.offsets': '[["a\\u0000g",3]]' });
    expect(out.types).toEqual(['TIMESTAMP', 'VARCHAR', 'INTEGER', 'BIGINT', 'DOUBLE', 'JSON']);
    expect(out.rows).toEqual([
      ['1767225600000000', 'GET /a', 200, String(2 ** 53 - 1), 0.25, '{"a":1}'],
      ['-1', '', null, String(-(2 ** 53) + 1), null, null],
      ['0', 'Grüße 👋', -2147483648, null, -1e300, '[]'],
    ]);
    expect(out.meta['logpipe.offsets']).toBe('[["a\\u0000g",3]]');
  });

  it('refuses a null in a required column', () => {
    expect(() => encodeParquet([{ name: 'x', type: 'string', required: true }], [['a', null]], 2)).toThrow(
      /required/,
    );
  });

  it('round-trips any values, nulls and lengths (property)', async () => {
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    const row = fc.tuple(
      fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
      text,
      maybe(text),
      maybe(fc.integer({ min: -2147483648, max: 2147483647 })),
      maybe(fc.maxSafeInteger().map((v) => v * (v % 2 ? -1 : 1))),
      maybe(fc.double({ noNaN: true, noDefaultInfinity: true })),
    );
    const schema: ParquetColumn[] = [
      { name: 'ts', type: 'timestamp_us', required: true },
      { name: 's', type: 'string', required: true },
      { name: 'o', type: 'string', required: false },
      { name: 'i', type: 'int32', required: false },
      { name: 'b', type: 'int64', required: false },
      { name: 'd', type: 'double', required: false },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 700 }),
        fc.integer({ min: 1, max: 800 }),
        async (rows, rowGroupRows) => {
          const cols = schema.map((_, c) => rows.map((r) => r[c])) as ColumnValues[];
          // Row groups of any size: a string column's bytes are split between them.
          const out = await roundTrip(schema, cols, rows.length, {}, { rowGroupRows });
          const expected = transpose(cols, rows.length).map((r) => [
            String(r[0]),
            r[1],
            r[2],
            r[3],
            r[4] === null ? null : String(r[4]),
            r[5] === null ? null : Object.is(r[5], -0) ? 0 : r[5],
          ]);
          const got = out.rows.map((r) => [
            ...r.slice(0, 5),
            r[5] === null ? null : Object.is(r[5], -0) ? 0 : r[5],
          ]);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('splits rows into row groups with the min/max statistics DuckDB skips them by', async () => {
    const schema: ParquetColumn[] = [
      { name: 'ts', type: 'timestamp_us', required: true },
      { name: 'n', type: 'int64', required: false },
      { name: 's', type: 'string', required: false },
    ];
    const rows = 1000;
    const cols: ColumnValues[] = [
      Array.from({ length: rows }, (_, i) => 1_767_225_600_000_000 + i * 1000),
      Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : -500 + i)),
      Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? null : `v${i}`)),
    ];
    const file = join(dir, `t${fileNo++}.parquet`);
    writeFileSync(file, encodeParquet(schema, cols, rows, {}, { rowGroupRows: 300 }));
    const conn = await instance.connect();
    try {
      const md = await conn.runAndReadAll(
        `SELECT row_group_id, row_group_num_rows, path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('${file}') WHERE path_in_schema <> 's' ORDER BY row_group_id, path_in_schema`,
      );
      expect(md.getRowsJson()).toEqual([
        ['0', '300', 'n', '-499', '-201', '30'],
        ['0', '300', 'ts', '2026-01-01 00:00:00', '2026-01-01 00:00:00.299', '0'],
        ['1', '300', 'n', '-199', '99', '30'],
        ['1', '300', 'ts', '2026-01-01 00:00:00.3', '2026-01-01 00:00:00.599', '0'],
        ['2', '300', 'n', '101', '399', '30'],
        ['2', '300', 'ts', '2026-01-01 00:00:00.6', '2026-01-01 00:00:00.899', '0'],
        ['3', '100', 'n', '401', '499', '10'],
        ['3', '100', 'ts', '2026-01-01 00:00:00.9', '2026-01-01 00:00:00.999', '0'],
      ]);
      const r = await conn.runAndReadAll(
        `SELECT count(*), min(s), max(n) FROM read_parquet('${file}') WHERE ts >= '2026-01-01 00:00:00.95'`,
      );
      expect(r.getRowsJson()).toEqual([['50', 'v950', '499']]);
    } finally {
      conn.closeSync();
    }
  });
});
