/**
 * Dictionary columns: every way of putting a value (whole strings, repeats, parts of a line, rows
 * copied from other columns with or without a pick) keeps the values in order, and the Parquet
 * writer's dictionary pages (RLE and bit-packed indexes, several buffers to a page, several row
 * groups) read back in DuckDB as the same values.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendColumns,
  type ColumnBuffers,
  columnBuffers,
  columnStrings,
  type DictColumn,
  keepRows,
  putDict,
  putDictPart,
  reserveRows,
} from '../../../src/storage/parquet/column-buffers.js';
import { type ParquetColumn, parquetFile } from '../../../src/storage/parquet/writer.js';
import { tempDir } from '../../helpers/cli.js';

let dir = '';
let instance: DuckDBInstance;
beforeAll(async () => {
  dir = tempDir('logpipe-dict-');
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

/** A string as its UTF-8 bytes give it back (a lone surrogate becomes U+FFFD). */
const stored = (v: string | null) => (v === null ? null : Buffer.from(v, 'utf8').toString('utf8'));

type Op = { v: string | null; how: 'whole' | 'part' };

/** One column of `ops`, each value put the way it says (a part is cut from a longer line). */
function fill(ops: readonly Op[]): ColumnBuffers {
  const b = columnBuffers(['dict'], 16);
  reserveRows(b, ops.length);
  const c = b.columns[0] as DictColumn;
  for (const [i, o] of ops.entries()) {
    if (o.v === null || o.how === 'whole') putDict(c, i, o.v);
    else {
      const line = `<${o.v}>`;
      putDictPart(c, i, line, 1, line.length - 1);
    }
  }
  b.rows = ops.length;
  return b;
}

let fileNo = 0;
async function readBack(chunks: ColumnBuffers[], rowGroupRows?: number): Promise<(string | null)[]> {
  const schema: ParquetColumn[] = [{ name: 'v', type: 'string', required: false }];
  const file = join(dir, `d${fileNo++}.parquet`);
  const { pieces } = parquetFile(schema, chunks, {}, rowGroupRows ? { rowGroupRows } : {});
  writeFileSync(file, Buffer.concat(pieces));
  const conn = await instance.connect();
  try {
    // As hex of the bytes: the binding's text decoding drops a leading U+FEFF.
    const r = await conn.runAndReadAll(`SELECT hex(encode(v)) FROM read_parquet('${file}')`);
    return r.getRowsJson().map(([v]) => (v === null ? null : Buffer.from(String(v), 'hex').toString('utf8')));
  } finally {
    conn.closeSync();
  }
}

const value = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('GET', 'HTTP/1.1', 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101', '-', ''),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('é', '\uD800', '\uDC00', 'x\uD83D', null) },
);
const op = fc.record({ v: value, how: fc.constantFrom('whole' as const, 'part' as const) });
/** Values with runs: each drawn value repeated 1 to 40 times. */
const ops = fc
  .array(fc.tuple(op, fc.integer({ min: 1, max: 40 })), { maxLength: 30 })
  .map((runs) => runs.flatMap(([o, n]) => Array.from({ length: n }, () => o)));

describe('dictionary columns', () => {
  it('keep values in order however they are put and copied (property)', () => {
    fc.assert(
      fc.property(ops, ops, fc.array(fc.boolean(), { maxLength: 1200 }), (a, b, picks) => {
        const A = fill(a);
        const B = fill(b);
        expect(columnStrings(A.columns[0] as DictColumn, A.rows)).toEqual(a.map((o) => stored(o.v)));
        // B's rows onto A's (entries looked up again), then a pick of them.
        const both = fill(a);
        appendColumns(both, B);
        const all = [...a, ...b].map((o) => stored(o.v));
        expect(columnStrings(both.columns[0] as DictColumn, both.rows)).toEqual(all);
        const keep = Uint8Array.from(all, (_, i) => (picks[i % Math.max(1, picks.length)] ? 1 : 0));
        const kept = keepRows(both, keep);
        expect(columnStrings(kept.columns[0] as DictColumn, kept.rows)).toEqual(
          all.filter((_, i) => keep[i]),
        );
        // No value twice in a dictionary, so ids can be trusted to mean their value.
        for (const col of [both.columns[0], kept.columns[0]] as DictColumn[]) {
          const entries = columnStrings(
            { ...col, ids: Int32Array.from({ length: col.entries }, (_, e) => e) },
            col.entries,
          );
          expect(new Set(entries).size).toBe(col.entries);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('read back from Parquet dictionary pages as they were put (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ops, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 300 }),
        async (sets, perGroup) => {
          const chunks = sets.map(fill);
          const want = sets.flat().map((o) => stored(o.v));
          expect(await readBack(chunks, perGroup)).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('take thousands of distinct values, and long runs of one', async () => {
    const values: (string | null)[] = [];
    for (let i = 0; i < 5000; i++) values.push(`agent ${i % 3000}`);
    for (let i = 0; i < 1000; i++) values.push('same');
    for (let i = 0; i < 100; i++) values.push(null);
    const b = fill(values.map((v) => ({ v, how: 'part' })));
    expect((b.columns[0] as DictColumn).entries).toBe(3001);
    expect(await readBack([b])).toEqual(values);
  });
});
