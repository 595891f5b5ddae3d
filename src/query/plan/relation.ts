/**
 * Rows as a stage sees them (a Relation), and the SQL that reads them: a stage's source, a
 * sub-query made of a relation, and the final statement (events newest first, or a table).
 */
import type { Dialect } from '../../core/dialect.js';
import { numberLiteral } from '../../core/sql-literals.js';
import type { ColumnRef } from '../ast.js';
import { type Col, colValue } from './columns.js';
import { eventColumnsSql } from './cut-values.js';
import { DEFAULT_EVENT_LIMIT, DEFAULT_TABLE_LIMIT, EVENT_RESULT_COLUMNS } from './plan-types.js';
import { cat, type Frag, frag, join, wrap } from './sql-frag.js';

/** A `fields` projection: output name and what it reads. */
export interface Projected {
  name: string;
  col: Col;
}

/** Rows as a stage sees them. */
export type Relation =
  | {
      kind: 'events';
      /** The table, or a sub-query returning whole stored rows. */
      from: Frag;
      /** True when `from` is the table itself (not a sub-query). */
      base: boolean;
      where: Frag[];
      /** ORDER BY terms before the newest-first tie-breakers. */
      order: string[];
      limit: number | null;
      /** Set by `fields`: the columns returned instead of the event columns. */
      projection: Projected[] | null;
    }
  | {
      kind: 'table';
      /** A SELECT without ORDER BY / LIMIT; its output columns are named. */
      select: Frag;
      /** ORDER BY terms, on output column names only. */
      order: string[];
      limit: number | null;
      /** True once rows were aggregated (changes the default limit). */
      aggregated: boolean;
      projection: Projected[] | null;
    };

/** What a stage's column reference reads in `rel`. */
export function resolveCol(rel: Relation, c: ColumnRef): Col {
  if (c.kind === 'field') return c;
  const p = rel.projection?.find((x) => x.name === c.name);
  if (p) return p.col;
  return c;
}

/** The output name of a column reference. */
export function refName(c: ColumnRef): string {
  return c.kind === 'field' ? c.field.name : c.name;
}

/** FROM and WHERE for an aggregating stage reading `rel`. */
export function sourceOf(d: Dialect, rel: Relation): { from: Frag; where: Frag } {
  if (rel.kind === 'events') {
    if (rel.limit !== null) return { from: subquery(eventsSql(d, rel, '*', rel.limit)), where: frag('') };
    return { from: rel.from, where: whereOf(rel.where) };
  }
  return { from: subquery(tableSql(d, rel, rel.limit)), where: frag('') };
}

function whereOf(where: Frag[]): Frag {
  return where.length ? cat(frag(' WHERE '), join(where, ' AND ')) : frag('');
}

/** Turns a relation with a limit into a plain one reading it, so that a later sort applies after. */
export function rewrap(d: Dialect, rel: Relation): Relation {
  // The order carries over (as later tie-breakers): its terms name columns the sub-query keeps.
  if (rel.kind === 'events') {
    const from = subquery(eventsSql(d, rel, '*', rel.limit));
    return {
      kind: 'events',
      from,
      base: false,
      where: [],
      order: rel.order,
      limit: null,
      projection: rel.projection,
    };
  }
  // The projection stays unapplied inside, so that sort keys may still name any column.
  const inner = subquery(tableSql(d, { ...rel, projection: null }, rel.limit));
  const select = cat(frag('SELECT * FROM '), inner);
  return {
    kind: 'table',
    select,
    order: rel.order,
    limit: null,
    aggregated: rel.aggregated,
    projection: rel.projection,
  };
}

function subquery(q: Frag): Frag {
  return wrap('(', q, ') AS t');
}

function newestFirst(d: Dialect): string[] {
  return [
    `${d.ident('ts')} DESC`,
    `${d.ident('source')} ASC`,
    `${d.ident('generation')} ASC`,
    `${d.ident('offset')} DESC`,
  ];
}

function projectionSql(d: Dialect, projection: Projected[]): string {
  return projection.map((p) => `${colValue(d, p.col)} AS ${d.ident(p.name)}`).join(', ');
}

function eventsSql(
  d: Dialect,
  rel: Extract<Relation, { kind: 'events' }>,
  cols: string,
  limit: number | null,
): Frag {
  const order = [...rel.order, ...newestFirst(d)];
  const tail = ` ORDER BY ${order.join(', ')}${limit === null ? '' : ` LIMIT ${numberLiteral(limit)}`}`;
  return cat(frag(`SELECT ${cols} FROM `), rel.from, whereOf(rel.where), frag(tail));
}

function tableSql(d: Dialect, rel: Extract<Relation, { kind: 'table' }>, limit: number | null): Frag {
  const order = rel.order.length ? ` ORDER BY ${rel.order.join(', ')}` : '';
  const tail = frag(`${order}${limit === null ? '' : ` LIMIT ${numberLiteral(limit)}`}`);
  if (rel.projection === null) return cat(rel.select, tail);
  // ORDER BY may name columns the projection drops: they are still in scope of the outer SELECT.
  return cat(frag(`SELECT ${projectionSql(d, rel.projection)} FROM `), subquery(rel.select), tail);
}

/** The columns that identify a stored event (with `ts`, which lets scans skip row groups). */
const IDENTITY = ['ts', 'source', 'generation', 'offset'];

/**
 * The newest events, materialised late: first the identities of the `limit` rows wanted (narrow
 * columns only), then just those rows. Sorting whole rows would read every column of every match;
 * over Parquet partitions this is 2-4x faster (bench/query.bench.ts, `level:error`). DISTINCT
 * keeps each stored row once even if two rows share an identity.
 */
function lateEventsSql(
  d: Dialect,
  rel: Extract<Relation, { kind: 'events' }>,
  cols: string,
  limit: number,
  offset: number,
): Frag {
  const keys = IDENTITY.map((c) => d.ident(c)).join(', ');
  const order = [...rel.order, ...newestFirst(d)].join(', ');
  const tail = ` ORDER BY ${order} LIMIT ${numberLiteral(limit)}`;
  // The page is chosen among the narrow identities; the outer join only fetches its rows.
  const page = offset > 0 ? `${tail} OFFSET ${numberLiteral(offset)}` : tail;
  const wanted = cat(frag(`SELECT ${keys} FROM `), rel.from, whereOf(rel.where), frag(page));
  return cat(
    frag(`SELECT ${cols} FROM `),
    rel.from,
    frag(` JOIN (SELECT DISTINCT ${keys} FROM (`),
    wanted,
    frag(`) AS w) AS k USING (${keys})${tail}`),
  );
}

/**
 * The final statement: `limit` rows (the relation's own `| limit` first, else the caller's, else
 * the default) after skipping `offset`. A relation's own limit counts from the result's start, so
 * a page past it is cut short: `| limit 10` with offset 5 gives rows 5 to 9. Event rows carry
 * `columns`, their long text values cut to `maxValueChars` when given (cut-values.ts).
 */
export function finishSql(
  d: Dialect,
  rel: Relation,
  limit: number | undefined,
  offset = 0,
  columns: readonly string[] = EVENT_RESULT_COLUMNS,
  maxValueChars?: number,
): Frag {
  const fallback =
    limit ?? (rel.kind === 'table' && rel.aggregated ? DEFAULT_TABLE_LIMIT : DEFAULT_EVENT_LIMIT);
  const n = rel.limit === null ? fallback : Math.max(0, rel.limit - offset);
  if (rel.kind === 'events') {
    // A `sort` names columns that may be cut, and ORDER BY reads a name as the select list's
    // (the cut value) before the table's: such rows are chosen and ordered whole, then cut in a
    // projection over them, which keeps their order.
    const cutAfter = maxValueChars !== undefined && rel.projection === null && rel.order.length > 0;
    const cols =
      rel.projection === null
        ? eventColumnsSql(d, columns, cutAfter ? undefined : maxValueChars)
        : projectionSql(d, rel.projection);
    const sql = rel.base
      ? lateEventsSql(d, rel, cols, n, offset)
      : offset > 0
        ? cat(eventsSql(d, rel, cols, n), frag(` OFFSET ${numberLiteral(offset)}`))
        : eventsSql(d, rel, cols, n);
    return cutAfter
      ? wrap(`SELECT ${eventColumnsSql(d, columns, maxValueChars)} FROM (`, sql, ') AS p')
      : sql;
  }
  const sql = tableSql(d, rel, n);
  return offset > 0 ? cat(sql, frag(` OFFSET ${numberLiteral(offset)}`)) : sql;
}
