/**
 * Pages: headers byte for byte against PageHeader as parquet.thrift defines it (worked out by
 * hand in the compact protocol), and the spans a row group's pages are built from, cut across
 * column buffers with each string column's byte position carried over.
 */
import { describe, expect, it } from 'vitest';
import {
  columnBuffers,
  type NumberColumn,
  putNumber,
  putString,
  type StringColumn,
} from '../../../src/storage/parquet/column-buffers.js';
import { dictionaryPageHeader, pageHeader, rowGroupSpans } from '../../../src/storage/parquet/pages.js';

describe('page headers', () => {
  it('write a data page v1 header: type, sizes, then DataPageHeader in field 5', () => {
    // type DATA_PAGE 0; both sizes 10 (zigzag 0x14); field 5 (delta 2, struct): 3 values, PLAIN,
    // definition and repetition levels RLE (3, zigzag 6).
    expect([...pageHeader(3, 10, 0)]).toEqual([
      0x15, 0x00, 0x15, 0x14, 0x15, 0x14, 0x2c, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00,
    ]);
  });

  it('write a dictionary page header: DictionaryPageHeader in field 7, entries PLAIN', () => {
    // type DICTIONARY_PAGE 2 (zigzag 4); sizes 40 (0x50); field 7 (delta 4, struct): 5 entries, PLAIN.
    expect([...dictionaryPageHeader(5, 40)]).toEqual([
      0x15, 0x04, 0x15, 0x50, 0x15, 0x50, 0x4c, 0x15, 0x0a, 0x15, 0x00, 0x00, 0x00,
    ]);
  });
});

describe('row group spans', () => {
  it('cut rows across buffers into groups, each string column resuming where the last span ended', () => {
    const a = columnBuffers(['string', 'number'], 16);
    const b = columnBuffers(['string', 'number'], 16);
    const strings = ['ab', null, 'cde', '', 'f'];
    for (const [i, v] of strings.entries()) {
      putString(a.columns[0] as StringColumn, i, v);
      putNumber(a.columns[1] as NumberColumn, i, i);
    }
    a.rows = strings.length;
    putString(b.columns[0] as StringColumn, 0, 'gh');
    putNumber(b.columns[1] as NumberColumn, 0, 9);
    b.rows = 1;
    const groups = rowGroupSpans([a, b], 2).map((g) =>
      g.map((sp) => ({ b: sp.b === a ? 'a' : 'b', from: sp.from, to: sp.to, bytesAt: sp.bytesAt })),
    );
    expect(groups).toEqual([
      [{ b: 'a', from: 0, to: 2, bytesAt: [0, 0] }],
      [{ b: 'a', from: 2, to: 4, bytesAt: [2, 0] }], // 'ab' and a null before
      [
        { b: 'a', from: 4, to: 5, bytesAt: [5, 0] }, // then 'cde' and ''
        { b: 'b', from: 0, to: 1, bytesAt: [0, 0] },
      ],
    ]);
  });

  it('give no rows one empty group', () => {
    expect(rowGroupSpans([], 10)).toEqual([[]]);
  });
});
