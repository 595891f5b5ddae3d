/**
 * The events next to one event in its file: the rows of the same source and generation (the same
 * content of the same file) just before or just after its offset, in the order they were written.
 * A generation is a file's content (its fingerprint), not a place in time, so the context of an
 * event stops where its generation does rather than mixing in another file's lines.
 */
import type { Dialect } from '../../core/dialect.js';
import { numberLiteral } from '../../core/sql-literals.js';
import type { SqlQuery } from '../../core/storage.js';
import { EVENT_IDENTITY_COLUMNS } from './plan-types.js';

/** An event's identity in the store. */
export interface EventIdentity {
  source: string;
  generation: string;
  offset: number;
}

/**
 * `hit`: the event itself. `before`: up to `limit` events before it, nearest first. `after`: up to
 * `limit` events after it, nearest first. Rows carry EVENT_IDENTITY_COLUMNS.
 */
export function planContext(
  d: Dialect,
  at: EventIdentity,
  side: 'hit' | 'before' | 'after',
  limit: number,
): SqlQuery {
  const cols = EVENT_IDENTITY_COLUMNS.map((c) => d.ident(c)).join(', ');
  const offset = d.ident('offset');
  const op = side === 'hit' ? '=' : side === 'before' ? '<' : '>';
  const order = side === 'before' ? `${offset} DESC` : `${offset} ASC`;
  return {
    sql:
      `SELECT ${cols} FROM ${d.ident(d.table)}` +
      ` WHERE ${d.ident('source')} = ? AND ${d.ident('generation')} = ? AND ${offset} ${op} ?` +
      ` ORDER BY ${order} LIMIT ${numberLiteral(limit)}`,
    params: [at.source, at.generation, at.offset],
  };
}
