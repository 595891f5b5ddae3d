/**
 * The row codec: events and raw lines encoded into the column buffers of stored rows, and the
 * binary wire form those rows travel in between logpipe's own processes. It loads no engine
 * (no `@duckdb/node-api`), so parse workers, the parse service and the server import it freely;
 * a test holds that to be true.
 */

export { addRawBlock, addRawEvents } from './access-rows.js';
export { NOT_NULL_COLUMNS, TABLE_COLUMNS } from './columns.js';
export {
  addEvents,
  type EncodedRows,
  type EventRows,
  eventRows,
  resetEventRows,
  SEGMENT_ENCODING,
} from './event-columns.js';
export { deserializeRows, ROWS_MEDIA_TYPE, serializeRows, serializeRowsShared } from './rows-wire.js';
