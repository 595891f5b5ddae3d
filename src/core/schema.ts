/**
 * The stored shape of a LogEvent, shared by the storage engines (DDL) and the query planner
 * (which field names map to which columns). Common fields are promoted to typed columns so that
 * filters and aggregations on them are fast; the rest live in the `fields` JSON column.
 */

export type ColumnType = 'timestamp' | 'string' | 'integer' | 'bigint' | 'double';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** Where the value comes from: an event property, or a field promoted out of `fields`. */
  from: 'event' | 'field';
}

/** The event's own columns, in table order. */
export const EVENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'ts', type: 'timestamp', from: 'event' },
  { name: 'level', type: 'string', from: 'event' },
  { name: 'service', type: 'string', from: 'event' },
  { name: 'host', type: 'string', from: 'event' },
  { name: 'source', type: 'string', from: 'event' },
  { name: 'generation', type: 'string', from: 'event' },
  { name: 'offset', type: 'bigint', from: 'event' },
  { name: 'format', type: 'string', from: 'event' },
  { name: 'message', type: 'string', from: 'event' },
  { name: 'raw', type: 'string', from: 'event' },
];

/** Fields promoted to their own typed column (removed from the `fields` JSON when promoted). */
export const PROMOTED_FIELDS: readonly ColumnSpec[] = [
  { name: 'status', type: 'integer', from: 'field' },
  { name: 'method', type: 'string', from: 'field' },
  { name: 'path', type: 'string', from: 'field' },
  { name: 'bytes', type: 'bigint', from: 'field' },
  { name: 'latency_ms', type: 'double', from: 'field' },
  { name: 'client_ip', type: 'string', from: 'field' },
  { name: 'trace_id', type: 'string', from: 'field' },
  // The rest of an access line: with these in columns the store can rebuild the line instead of
  // keeping it (see core/raw-layouts.ts), and user-agent or referrer filters skip JSON parsing.
  { name: 'protocol', type: 'string', from: 'field' },
  { name: 'referrer', type: 'string', from: 'field' },
  { name: 'user_agent', type: 'string', from: 'field' },
];

/** Name of the JSON column holding the non-promoted fields. */
export const FIELDS_COLUMN = 'fields';
/** Name of the ingest-time column (when the store received the row). */
export const INGESTED_COLUMN = 'ingested_at';
/**
 * Name of the storage column that marks a row whose `raw` (and `message`) the store rebuilds from
 * the other columns instead of keeping: the UTC offset in minutes the line's time stamp was
 * written in, null when `raw` is stored as it came.
 */
export const RAW_ZONE_COLUMN = 'raw_zone';

const promoted = new Map(PROMOTED_FIELDS.map((c) => [c.name, c]));
const eventCols = new Map(EVENT_COLUMNS.map((c) => [c.name, c]));

/**
 * Whether a field value fits a promoted column of this type; a value that does not stays in the
 * `fields` JSON. The store and the query's reference evaluator both follow this one rule.
 */
export function fitsColumn(type: ColumnType | undefined, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
    case 'bigint':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'double':
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return false;
  }
}

/** The column a query field name maps to, or undefined when it lives in the `fields` JSON. */
export function columnFor(name: string): ColumnSpec | undefined {
  return eventCols.get(name) ?? promoted.get(name);
}
