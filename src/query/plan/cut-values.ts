/**
 * Event columns as a page of a list wants them: long text values cut short in the engine, so a
 * page of events with 64 KB lines does not carry them whole (PlanOptions.maxValueChars). What is
 * cut: CUT_COLUMNS and the values of `fields`; an event's time, level, service, host, format and
 * identity (source, generation, offset) always come whole.
 */
import type { Dialect } from '../../core/dialect.js';
import { FIELDS_COLUMN, PROMOTED_FIELDS } from '../../core/schema.js';

/** The text columns whose values may be cut: the message, the line and the promoted text fields. */
export const CUT_COLUMNS: readonly string[] = [
  'message',
  'raw',
  ...PROMOTED_FIELDS.filter((c) => c.type === 'string').map((c) => c.name),
];

const cut = new Set(CUT_COLUMNS);

/** The select list of `columns`: each by name, or with `maxChars` cut to that many characters. */
export function eventColumnsSql(d: Dialect, columns: readonly string[], maxChars?: number): string {
  return columns
    .map((c) => {
      const id = d.ident(c);
      if (maxChars === undefined) return id;
      if (cut.has(c)) return `${d.leftChars(id, maxChars)} AS ${id}`;
      if (c === FIELDS_COLUMN) return `${d.leftJsonValues(id, maxChars)} AS ${id}`;
      return id;
    })
    .join(', ');
}
