/**
 * The footer: FileMetaData in Thrift's compact protocol (the schema, each row group's column
 * chunk metadata with min/max statistics, the key/value metadata a sealed file carries for the
 * catalog), then its length and the closing magic bytes.
 * See https://github.com/apache/parquet-format/blob/master/README.md#metadata.
 */

import { plainValue } from './encodings.js';
import { converted, ENCODING, MAGIC, OPTIONAL, type ParquetColumn, physical, REQUIRED } from './format.js';
import {
  beginStruct,
  binaryField,
  CT,
  endStruct,
  i32Elem,
  i32Field,
  i64Field,
  listField,
  stringElem,
  stringField,
  structField,
  thriftBytes,
  thriftOut,
} from './thrift.js';

/**
 * Where a column chunk lies (from its row group's start), and its statistics (integer and
 * timestamp columns). A dictionary-encoded chunk opens with its dictionary page, `dictSize` bytes.
 */
export interface ChunkMeta {
  offset: number;
  size: number;
  dictSize: number;
  encoding: number;
  nulls: number;
  min: number | null;
  max: number | null;
}

/** What the footer says of one row group: its rows and, per column, its chunk. */
export interface RowGroupMeta {
  rows: number;
  chunks: readonly ChunkMeta[];
}

/**
 * The footer's pieces, to write after the row groups: FileMetaData, its length (4 bytes,
 * little-endian) and the magic. `starts[k]` is where row group k begins in the file.
 */
export function fileFooter(
  schema: readonly ParquetColumn[],
  groups: readonly RowGroupMeta[],
  starts: readonly number[],
  rows: number,
  meta: Record<string, string>,
): Uint8Array[] {
  const footer = fileMetaData(schema, groups, starts, rows, meta);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(footer.length, 0);
  return [footer, tail, MAGIC];
}

/** FileMetaData of a file of `rows` rows in `groups`, with `meta` as its key/value metadata. */
function fileMetaData(
  schema: readonly ParquetColumn[],
  groups: readonly RowGroupMeta[],
  starts: readonly number[],
  rows: number,
  meta: Record<string, string>,
): Uint8Array {
  const o = thriftOut(4096);
  const s = beginStruct(o);
  i32Field(s, 1, 1); // version
  listField(s, 2, CT.STRUCT, schema.length + 1);
  const root = beginStruct(o);
  stringField(root, 4, 'schema');
  i32Field(root, 5, schema.length);
  endStruct(root);
  for (const col of schema) {
    const e = beginStruct(o);
    i32Field(e, 1, physical[col.type]);
    i32Field(e, 3, col.required ? REQUIRED : OPTIONAL);
    stringField(e, 4, col.name);
    const conv = converted[col.type];
    if (conv !== undefined) i32Field(e, 6, conv);
    endStruct(e);
  }
  i64Field(s, 3, rows);
  listField(s, 4, CT.STRUCT, groups.length);
  for (const [k, g] of groups.entries()) {
    const rg = beginStruct(o);
    listField(rg, 1, CT.STRUCT, schema.length);
    let total = 0;
    for (let c = 0; c < schema.length; c++) {
      const col = schema[c];
      const ch = g.chunks[c];
      const offset = starts[k] + ch.offset;
      total += ch.size;
      const cc = beginStruct(o);
      i64Field(cc, 2, offset);
      const md = structField(cc, 3);
      i32Field(md, 1, physical[col.type]);
      if (ch.dictSize > 0) {
        listField(md, 2, CT.I32, 3);
        i32Elem(o, ENCODING.PLAIN);
      } else listField(md, 2, CT.I32, 2);
      i32Elem(o, ch.encoding);
      i32Elem(o, ENCODING.RLE);
      listField(md, 3, CT.BINARY, 1);
      stringElem(o, col.name);
      i32Field(md, 4, 0); // UNCOMPRESSED
      i64Field(md, 5, g.rows);
      i64Field(md, 6, ch.size);
      i64Field(md, 7, ch.size);
      i64Field(md, 9, offset + ch.dictSize);
      if (ch.dictSize > 0) i64Field(md, 11, offset);
      if (ch.min !== null && ch.max !== null) {
        const st = structField(md, 12);
        i64Field(st, 3, ch.nulls);
        binaryField(st, 5, plainValue(col.type, ch.max));
        binaryField(st, 6, plainValue(col.type, ch.min));
        endStruct(st);
      }
      endStruct(md);
      endStruct(cc);
    }
    i64Field(rg, 2, total);
    i64Field(rg, 3, g.rows);
    endStruct(rg);
  }
  const keys = Object.keys(meta);
  if (keys.length > 0) {
    listField(s, 5, CT.STRUCT, keys.length);
    for (const k of keys) {
      const kv = beginStruct(o);
      stringField(kv, 1, k);
      stringField(kv, 2, meta[k]);
      endStruct(kv);
    }
  }
  stringField(s, 6, 'logpipe');
  endStruct(s);
  return thriftBytes(o).slice();
}
