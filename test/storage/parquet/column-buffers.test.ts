/**
 * String columns filled a value at a time: every way of putting a value (whole strings, repeats,
 * parts of a line) leaves the same UTF-8 bytes and lengths as encoding each value on its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnBuffers,
  columnStrings,
  putPart,
  putString,
  type StringColumn,
} from '../../../src/storage/parquet/column-buffers.js';

/** The column's values read back, null for a null. */
function valuesOf(c: StringColumn, rows: number): (string | null)[] {
  let bytes = 0;
  for (let i = 0; i < rows; i++) if (c.lengths[i] > 0) bytes += c.lengths[i];
  expect(bytes).toBe(c.used);
  return columnStrings(c, rows);
}

describe('string columns', () => {
  it('keep any mix of whole values, repeats, nulls and parts of lines, in order', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.constantFrom('GET', 'é', '-', ''),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('whole' as const), v: text }),
      fc.record({ kind: fc.constant('again' as const) }),
      fc.record({ kind: fc.constant('null' as const) }),
      fc.record({ kind: fc.constant('part' as const), v: text, a: fc.nat(), b: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        // A small start, so the data grows while it is written.
        const b = columnBuffers(['string'], 16);
        const c = b.columns[0] as StringColumn;
        const want: (string | null)[] = [];
        let last: string | null = null;
        for (const [i, o] of ops.entries()) {
          if (i >= b.capacity) break;
          if (o.kind === 'whole') {
            putString(c, i, o.v);
            last = o.v;
          } else if (o.kind === 'again') {
            putString(c, i, last);
          } else if (o.kind === 'null') {
            putString(c, i, null);
            last = null;
          } else {
            const from = Math.min(o.a, o.b) % (o.v.length + 1);
            const to = Math.min(o.v.length, from + (Math.max(o.a, o.b) % (o.v.length + 1)));
            putPart(c, i, o.v, from, to);
            last = o.v.slice(from, to);
          }
          want.push(last);
          b.rows = i + 1;
        }
        expect(valuesOf(c, b.rows)).toEqual(want.map((v) => (v === null ? null : Buffer.from(v).toString())));
      }),
      { numRuns: 500 },
    );
  });
});
