/**
 * The columns of a stored event row, in order, derived from the shared column list in
 * core/schema: the event's own columns, the promoted fields, the JSON of the rest, the time the
 * store took the row and the zone of a rebuilt access line. Every engine stores these; the row
 * codec encodes them.
 */
import {
  type ColumnSpec,
  EVENT_COLUMNS,
  FIELDS_COLUMN,
  INGESTED_COLUMN,
  PROMOTED_FIELDS,
  RAW_ZONE_COLUMN,
} from '../../core/schema.js';

/** Every column of the events table, in order. */
export const TABLE_COLUMNS: readonly ColumnSpec[] = [
  ...EVENT_COLUMNS,
  ...PROMOTED_FIELDS,
  { name: FIELDS_COLUMN, type: 'string', from: 'event' },
  { name: INGESTED_COLUMN, type: 'timestamp', from: 'event' },
  { name: RAW_ZONE_COLUMN, type: 'integer', from: 'event' },
];

/** Columns that always hold a value. */
export const NOT_NULL_COLUMNS: ReadonlySet<string> = new Set([
  'ts',
  'level',
  'source',
  'generation',
  'offset',
  'format',
]);
