/**
 * Parquet's vocabulary as this writer uses it: the enum values of parquet.thrift it writes
 * (physical and converted types, encodings, repetition, page types), the file's magic bytes, and
 * the column types logpipe's schemas name with the physical and converted type each maps to.
 * See https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift.
 */

/** The value types the writer knows, with how DuckDB reads them back. */
export type ParquetType = 'string' | 'json' | 'int32' | 'int64' | 'timestamp_us' | 'double';

/** One column of the file: nullable unless `required`. */
export interface ParquetColumn {
  name: string;
  type: ParquetType;
  required: boolean;
}

// Parquet enums (parquet.thrift).
export const TYPE = { INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
export const CONVERTED = { UTF8: 0, TIMESTAMP_MICROS: 10, JSON: 19 } as const;
export const ENCODING = { PLAIN: 0, RLE: 3, DELTA_LENGTH_BYTE_ARRAY: 6, RLE_DICTIONARY: 8 } as const;
export const REQUIRED = 0;
export const OPTIONAL = 1;
export const DATA_PAGE = 0;
export const DICTIONARY_PAGE = 2;
export const MAGIC: Uint8Array = Buffer.from('PAR1', 'latin1');

/** The physical type each column type is stored as. */
export const physical: Record<ParquetType, number> = {
  string: TYPE.BYTE_ARRAY,
  json: TYPE.BYTE_ARRAY,
  int32: TYPE.INT32,
  int64: TYPE.INT64,
  timestamp_us: TYPE.INT64,
  double: TYPE.DOUBLE,
};
/** The converted (logical) type that tells readers what the bytes mean, where there is one. */
export const converted: Partial<Record<ParquetType, number>> = {
  string: CONVERTED.UTF8,
  json: CONVERTED.JSON,
  timestamp_us: CONVERTED.TIMESTAMP_MICROS,
};

/** Whether a column of type `t` holds strings (BYTE_ARRAY) rather than numbers. */
export function isString(t: ParquetType): boolean {
  return t === 'string' || t === 'json';
}
