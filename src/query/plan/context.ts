/**
 * The events next to one event in its file: the rows of the same source and generation (the same
 * content of the same file) just before or just after its offset, in the order they were written.
 * A generation is a file's content (its fingerprint), not a place in time, so the context of an
 * event stops where its generation does rather than mixing in another file's lines.
 */
import type { Dialect } from '../../core/dialect.js';
import { numberLiteral } from '../../core/sql-literals.js';
import type { SqlQuery } from '../../core/storage.js';
import { eventColumnsSql } from './cut-values.js';
import { EVENT_IDENTITY_COLUMNS } from './plan-types.js';

/** An event's identity in the store. */
export interface EventIdentity {
  source: string;
  generation: string;
  offset: number;
}

/**
 * `hit`: the event itself. `before`: up to `limit` events before it, nearest first. `after`: up to
 * `limit` events after it, nearest first. Rows carry EVENT_IDENTITY_COLUMNS, their long text
 * values cut to `maxValueChars` characters when given (cut-values.ts).
 */
export function planContext(
  d: Dialect,
  at: EventIdentity,
  side: 'hit' | 'before' | 'after',
  limit: number,
  maxValueChars?: number,
): SqlQuery {
  const cols = eventColumnsSql(d, EVENT_IDENTITY_COLUMNS, maxValueChars);
  const offset = d.ident('offset');
  const table = d.ident(d.table);
  const where = ` WHERE ${d.ident('source')} = ? AND ${d.ident('generation')} = ? AND ${offset}`;
  const params = [at.source, at.generation, at.offset];
  if (side === 'hit') return { sql: `SELECT ${cols} FROM ${table}${where} = ? LIMIT 1`, params };
  const op = side === 'before' ? '<' : '>';
  const order = ` ORDER BY ${offset} ${side === 'before' ? 'DESC' : 'ASC'} LIMIT ${numberLiteral(limit)}`;
  // Materialised late, as the planner's newest events are: the neighbours' identities first
  // (narrow columns), then just their rows. Sorting whole rows read (and rebuilt) every line of
  // the file: 1,450 ms against 90 ms for 50 lines of a 1M-line access log (one file).
  const keys = IDENTITY_KEYS.map((c) => d.ident(c)).join(', ');
  return {
    sql:
      `SELECT ${cols} FROM ${table} JOIN (SELECT ${keys} FROM ${table}${where} ${op} ?${order}) AS k` +
      ` USING (${keys})${order}`,
    params,
  };
}

/** The columns that identify a stored event, with `ts` (which lets the join skip row groups). */
const IDENTITY_KEYS = ['ts', 'source', 'generation', 'offset'];
