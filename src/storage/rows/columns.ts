/**
 * The columns of a stored event row, in order, derived from the shared column list in
 * core/schema: the event's own columns, the promoted fields, the JSON of the rest, the time the
 * store took the row, the zone of a rebuilt access line, the place of a message cut from its
 * line and the place of the time text cut from it. Every engine stores these; the row
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

/**
 * Storage column of a row whose `message` is not kept because its `raw` holds it: the message's
 * place in the line (rows/message-span.ts); null when `message` is kept, or rebuilt (access
 * lines).
 */
export const MESSAGE_PLACE_COLUMN = 'message_place';

/**
 * Storage column of a row whose `raw` is kept without its time text: the cut's place in the
 * stored line and the layout (and zone) `ts` renders it in (rows/time-span.ts); null when the
 * line is kept whole.
 */
export const TIME_PLACE_COLUMN = 'time_place';

/** Every column of the events table, in order. */
export const TABLE_COLUMNS: readonly ColumnSpec[] = [
  ...EVENT_COLUMNS,
  ...PROMOTED_FIELDS,
  { name: FIELDS_COLUMN, type: 'string', from: 'event' },
  { name: INGESTED_COLUMN, type: 'timestamp', from: 'event' },
  { name: RAW_ZONE_COLUMN, type: 'integer', from: 'event' },
  { name: MESSAGE_PLACE_COLUMN, type: 'bigint', from: 'event' },
  { name: TIME_PLACE_COLUMN, type: 'bigint', from: 'event' },
];

/**
 * Columns of the table that the view `logs` does not show (it cuts the message out and puts the
 * time text back with them).
 */
export const HIDDEN_COLUMNS: readonly string[] = [MESSAGE_PLACE_COLUMN, TIME_PLACE_COLUMN];

/** Columns that always hold a value. */
export const NOT_NULL_COLUMNS: ReadonlySet<string> = new Set([
  'ts',
  'level',
  'source',
  'generation',
  'offset',
  'format',
]);
