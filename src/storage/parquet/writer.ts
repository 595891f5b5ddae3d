/**
 * A minimal Parquet writer for flat tables: row groups of up to `rowGroupRows` rows, one
 * uncompressed data page per column chunk, min/max statistics on integer and timestamp columns
 * (so DuckDB skips row groups a time filter rules out). It exists so a batch of events reaches
 * DuckDB as one file it reads natively instead of one native call per string value. The columns
 * arrive already in byte form (column-buffers.ts): strings as DELTA_LENGTH_BYTE_ARRAY (lengths,
 * then the bytes back to back), numbers as plain little-endian.
 *
 * Why logpipe has a writer of its own: encoding a batch here costs 1.2 µs an event, where DuckDB's
 * own `COPY` of the same rows to uncompressed Parquet costs 4.5–5.7 µs a row on the same machine
 * (docs/benchmarks.md, "Why"). hyparquet-writer takes JavaScript values per column, not columns
 * already in byte form, so every value would be turned back into an object first; and handing
 * DuckDB Arrow data from Node is not supported by its Node binding.
 *
 * The parts: format.ts (Parquet's enums and logpipe's column types), encodings.ts (PLAIN,
 * RLE/bit-packed hybrid, DELTA_BINARY_PACKED, dictionary indexes), pages.ts (spans of rows, page
 * bodies and headers), metadata.ts (FileMetaData and the footer), thrift.ts (the compact
 * protocol). This file lays rows out as row groups and row groups as files.
 *
 * Specs: https://github.com/apache/parquet-format/blob/master/README.md (file layout, metadata),
 * https://github.com/apache/parquet-format/blob/master/Encodings.md (encodings), and
 * https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md (how page
 * headers and the footer are serialised).
 */

import { type ColumnBuffers, columnBuffers, putNumber, putString } from './column-buffers.js';
import { isString, MAGIC, type ParquetColumn, type ParquetType } from './format.js';
import { type ChunkMeta, fileFooter } from './metadata.js';
import { dictionaryPageHeader, encodePage, pageHeader, rowGroupSpans } from './pages.js';

export type { ParquetColumn, ParquetType };

/** A column's values: strings for string/json, numbers (safe integers for int64) otherwise. */
export type ColumnValues = readonly (string | null)[] | readonly (number | null)[];

/**
 * Encodes `rows` rows as a complete Parquet file. `columns[i]` holds the values of `schema[i]`;
 * a null in a required column is a caller bug and throws. `meta` goes into the footer's
 * key/value metadata.
 */
export function encodeParquet(
  schema: readonly ParquetColumn[],
  columns: readonly ColumnValues[],
  rows: number,
  meta: Record<string, string> = {},
  opts: EncodeOptions = {},
): Buffer {
  const b = columnBuffers(
    schema.map((c) => (isString(c.type) ? 'string' : 'number')),
    rows,
  );
  for (let c = 0; c < schema.length; c++) {
    const values = columns[c];
    if (values.length !== rows)
      throw new Error(`column ${schema[c].name}: ${values.length} values for ${rows} rows`);
    const col = b.columns[c];
    for (let i = 0; i < rows; i++) {
      if (col.kind === 'string') putString(col, i, values[i] as string | null);
      else if (col.kind === 'number') putNumber(col, i, values[i] as number | null);
    }
  }
  b.rows = rows;
  return Buffer.concat(parquetFile(schema, [b], meta, opts).pieces);
}

export interface EncodeOptions {
  /** Rows per row group (DuckDB scans row groups in parallel); default: all rows in one. */
  rowGroupRows?: number;
}

/**
 * A Parquet file as the pieces to write out in order. Most are views of the column buffers it
 * was laid out from (string bytes and numbers are not copied), valid while those are unchanged.
 */
export interface ParquetPieces {
  pieces: Uint8Array[];
  size: number;
}

/**
 * One row group laid out: its pages as pieces (views of the columns for the values), and what
 * the footer says of each column chunk. Row groups of one schema can be assembled into any
 * file, so rows laid out once can be written again without encoding them again.
 */
export interface EncodedRowGroup {
  rows: number;
  pieces: Uint8Array[];
  size: number;
  chunks: ChunkMeta[];
}

/**
 * Lays out the rows of `chunks` (each a set of columns in `schema` order), one after another, as
 * one Parquet file: row groups of `rowGroupRows` rows (all rows in one by default), one page
 * per column chunk.
 */
export function parquetFile(
  schema: readonly ParquetColumn[],
  chunks: readonly ColumnBuffers[],
  meta: Record<string, string> = {},
  opts: EncodeOptions = {},
): ParquetPieces {
  return assembleFile(schema, encodeRowGroups(schema, chunks, opts), meta);
}

/** The rows of `chunks` (each in `schema` order) laid out as row groups of `rowGroupRows` rows. */
export function encodeRowGroups(
  schema: readonly ParquetColumn[],
  chunks: readonly ColumnBuffers[],
  opts: EncodeOptions = {},
): EncodedRowGroup[] {
  for (const b of chunks) {
    if (b.columns.length !== schema.length) {
      throw new Error(`${b.columns.length} columns for a schema of ${schema.length}`);
    }
  }
  let rows = 0;
  for (const b of chunks) rows += b.rows;
  const groups: EncodedRowGroup[] = [];
  for (const spans of rowGroupSpans(chunks, Math.max(1, Math.min(opts.rowGroupRows ?? rows, rows)))) {
    let groupRows = 0;
    for (const sp of spans) groupRows += sp.to - sp.from;
    const g: EncodedRowGroup = { rows: groupRows, pieces: [], size: 0, chunks: [] };
    for (let c = 0; c < schema.length; c++) {
      const page = encodePage(schema[c], spans, c, groupRows);
      let size = 0;
      for (const piece of page.body) size += piece.length;
      const header = pageHeader(groupRows, size, page.encoding);
      let dictSize = 0;
      if (page.dict !== null) {
        const dictHeader = dictionaryPageHeader(page.dict.entries, page.dict.bytes.length);
        dictSize = dictHeader.length + page.dict.bytes.length;
        g.pieces.push(dictHeader, page.dict.bytes);
      }
      g.chunks.push({
        offset: g.size,
        size: dictSize + header.length + size,
        dictSize,
        ...page.stats,
        encoding: page.encoding,
      });
      g.pieces.push(header, ...page.body);
      g.size += dictSize + header.length + size;
    }
    groups.push(g);
  }
  return groups;
}

/** A Parquet file of the given row groups, in order, with `meta` in its footer. */
export function assembleFile(
  schema: readonly ParquetColumn[],
  groups: readonly EncodedRowGroup[],
  meta: Record<string, string> = {},
): ParquetPieces {
  const out: ParquetPieces = { pieces: [MAGIC], size: MAGIC.length };
  const starts: number[] = [];
  let rows = 0;
  for (const g of groups) {
    starts.push(out.size);
    for (const piece of g.pieces) out.pieces.push(piece);
    out.size += g.size;
    rows += g.rows;
  }
  for (const piece of fileFooter(schema, groups, starts, rows, meta)) {
    out.pieces.push(piece);
    out.size += piece.length;
  }
  return out;
}
