/**
 * AST → parameterised SQL. The search expression becomes a WHERE clause (with the time range
 * pushed down on `ts`); pipe stages wrap what came before as a sub-query, so any chain composes.
 * User text only ever travels in `params`; identifiers come from the schema or are quoted, JSON
 * keys are lexer-validated names, and numbers in the SQL text are ones the parser produced.
 */

import type { Dialect } from '../core/dialect.js';
import { EVENT_COLUMNS, FIELDS_COLUMN, PROMOTED_FIELDS } from '../core/schema.js';
import { doubleLiteral, likePattern, numberLiteral } from '../core/sql-literals.js';
import type { SqlQuery } from '../core/storage.js';
import type { Aggregate, ColumnRef, Expr, FieldRef, QueryAst, Stage } from './ast.js';
import { isNumericColumn } from './fields.js';
import { lowerLikeStore } from './lowercase.js';

type Param = SqlQuery['params'][number];

export interface PlanOptions {
  /** Only events at or after this time (epoch µs). */
  fromUs?: number;
  /** Only events before this time (epoch µs). */
  toUs?: number;
  /** Rows returned when the query has no `| limit` (default 100 events, 10,000 table rows). */
  limit?: number;
  /**
   * How `pNN` aggregates are computed; the results are the same either way. `sort`: the engine's
   * quantile over every value. `counts`: from per-value counts, much cheaper when values repeat
   * (latencies, statuses, sizes) and much dearer when nearly all differ. `auto` (the default):
   * counts when a sample of the stage's input shows few distinct values, else sort.
   */
  percentiles?: 'auto' | 'counts' | 'sort';
}

export interface QueryPlan extends SqlQuery {
  /** `events`: rows are stored events, newest first; `table`: rows are a stage's result columns. */
  kind: 'events' | 'table';
  /**
   * Bounds (epoch µs, both inclusive, possibly wider than needed) that every matching event's `ts`
   * lies within: the options' range narrowed by top-level `ts` terms. For skipping partitions.
   */
  range: { fromUs?: number; toUs?: number };
}

/** Events returned when neither the query nor the options say how many. */
export const DEFAULT_EVENT_LIMIT = 100;
/** Aggregate rows returned when neither the query nor the options say how many. */
export const DEFAULT_TABLE_LIMIT = 10_000;

/** The columns an events query returns, in order. */
export const EVENT_RESULT_COLUMNS: readonly string[] = [
  ...EVENT_COLUMNS.map((c) => c.name).filter((n) => n !== 'generation' && n !== 'offset' && n !== 'raw'),
  ...PROMOTED_FIELDS.map((c) => c.name),
  FIELDS_COLUMN,
  'raw',
];

/** A piece of SQL with the parameters of its `?`s, in order. */
interface Frag {
  sql: string;
  params: Param[];
}

/** A column a stage reads: an event field, or an output column of the previous stage. */
type Col = { kind: 'field'; field: FieldRef } | { kind: 'output'; name: string };

/** A `fields` projection: output name and what it reads. */
interface Projected {
  name: string;
  col: Col;
}

/** Rows as a stage sees them. */
type Relation =
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

/** Compiles a query into the SQL of a store's dialect (`StorageEngine.dialect`). */
export function planQuery(ast: QueryAst, dialect: Dialect, opts: PlanOptions = {}): QueryPlan {
  return planWith(dialect, ast, opts);
}

function planWith(d: Dialect, ast: QueryAst, opts: PlanOptions): QueryPlan {
  const where: Frag[] = [];
  const ts = d.ident('ts');
  if (opts.fromUs !== undefined) where.push(frag(`${ts} >= ${d.timeParam()}`, Math.round(opts.fromUs)));
  if (opts.toUs !== undefined) where.push(frag(`${ts} < ${d.timeParam()}`, Math.round(opts.toUs)));
  const filter = exprSql(d, ast.filter);
  if (filter) where.push(filter);
  let rel: Relation = {
    kind: 'events',
    from: frag(d.ident(d.table)),
    base: true,
    where,
    order: [],
    limit: null,
    projection: null,
  };
  const percentiles = opts.percentiles ?? 'auto';
  for (const stage of ast.stages) rel = applyStage(d, rel, stage, percentiles);
  const final = finishSql(d, rel, opts.limit);
  const kind = rel.kind === 'events' && rel.projection === null ? 'events' : 'table';
  return { sql: final.sql, params: final.params, kind, range: timeBounds(ast.filter, opts) };
}

// ---- search expression ----------------------------------------------------------------------

/** SQL for an expression; null for "everything". */
function exprSql(d: Dialect, e: Expr): Frag | null {
  switch (e.type) {
    case 'all':
      return null;
    case 'and':
    case 'or': {
      const parts = e.exprs.map((x) => exprSql(d, x));
      if (e.type === 'or' && parts.some((x) => x === null)) return null;
      const kept = parts.filter((x): x is Frag => x !== null);
      if (kept.length === 0) return null;
      if (kept.length === 1) return kept[0];
      return join(kept, e.type === 'and' ? ' AND ' : ' OR ', '(', ')');
    }
    case 'not': {
      const inner = exprSql(d, e.expr);
      // A missing value makes a comparison NULL; "not matching" must then be true, not NULL.
      if (inner === null) return frag('FALSE');
      return wrap('NOT coalesce(', inner, ', FALSE)');
    }
    default:
      return leafSql(d, e);
  }
}

function leafSql(d: Dialect, e: Exclude<Expr, { type: 'all' | 'and' | 'or' | 'not' }>): Frag {
  switch (e.type) {
    case 'text': {
      const needle = lowerLikeStore(e.text);
      const caseless = needle === e.text.toUpperCase();
      return withRebuiltParts(d, needle, caseless, e.wildcard, lineSearch(d, needle, caseless, e.wildcard));
    }
    case 'regex': {
      const target = e.field ? fieldText(d, e.field) : d.ident('message');
      return frag(`coalesce(${d.regexParam(target, e.ignoreCase)}, FALSE)`, e.pattern);
    }
    case 'exists': {
      const f = e.field;
      return frag(`(${f.column ? d.ident(f.key) : d.jsonValue(fieldsCol(d), f.key)} IS NOT NULL)`);
    }
    case 'compare': {
      const f = e.field;
      if (f.column === 'timestamp')
        return frag(`(${d.ident(f.key)} ${e.op} ${d.timeParam()})`, Math.round(e.value));
      return frag(`(${fieldNumber(d, f)} ${e.op} ?)`, e.value);
    }
    case 'match':
      return matchSql(d, e);
  }
}

/** A text search over the message and the raw line (rebuilt where the store rebuilds it). */
function lineSearch(d: Dialect, needle: string, caseless: boolean, wildcard: boolean): Frag {
  const msg = caseless ? d.ident('message') : d.lower(d.ident('message'));
  const raw = caseless ? d.ident('raw') : d.lower(d.ident('raw'));
  if (wildcard) {
    const pat = `%${likePattern(needle, true)}%`;
    const esc = pat.includes('\\');
    return frag(`(${d.likeParam(msg, esc)} OR ${d.likeParam(raw, esc)})`, pat, pat);
  }
  const run = caselessRun(needle);
  if (!caseless && run !== null) {
    // Any case-insensitive match holds the term's digits and punctuation verbatim, and a
    // plain contains() is cheap: lower() then runs only on the rows that pass it.
    const m = d.ident('message');
    const r = d.ident('raw');
    return frag(
      `((${d.containsParam(m)} AND ${d.containsParam(msg)}) OR (${d.containsParam(r)} AND ${d.containsParam(raw)}))`,
      run,
      needle,
      run,
      needle,
    );
  }
  return frag(`(${d.containsParam(msg)} OR ${d.containsParam(raw)})`, needle, needle);
}

/**
 * Guards a text search with a look at the parts of rebuilt lines: any match holds a run of the
 * needle inside one part, so rows whose parts lack it are skipped before their line is built. A
 * needle that is such a run whole matches a rebuilt line exactly where a piece of it holds the
 * needle: no line is built at all. Either way 5-10x faster than building every line.
 */
function withRebuiltParts(
  d: Dialect,
  needle: string,
  caseless: boolean,
  wildcard: boolean,
  search: Frag,
): Frag {
  const g = d.rebuiltParts?.(needle, wildcard);
  if (!g) return search;
  const any = (texts: string[]): Frag =>
    frag(
      `coalesce(${texts.map((p) => d.containsParam(caseless ? p : d.lower(p))).join(' OR ')}, FALSE)`,
      ...texts.map(() => g.run),
    );
  // CASE, not AND/OR: the engine may run the terms of a filter in any order, and building every
  // line first undoes the guard. CASE evaluates a branch only where the ones before did not hold.
  const head = cat(frag(`(CASE WHEN NOT ${g.rebuilt} THEN `), search);
  if (g.run === needle && !wildcard) {
    const loose = g.loose.length > 0 ? cat(frag(' WHEN '), any(g.loose), frag(' THEN '), search) : frag('');
    return cat(head, frag(' WHEN '), any(g.exact), frag(' THEN TRUE'), loose, frag(' ELSE FALSE END)'));
  }
  return cat(
    head,
    frag(' WHEN '),
    any([...g.exact, ...g.loose]),
    frag(' THEN '),
    search,
    frag(' ELSE FALSE END)'),
  );
}

function matchSql(d: Dialect, e: Extract<Expr, { type: 'match' }>): Frag {
  const f = e.field;
  if (f.column === 'timestamp') return frag(`(${d.ident(f.key)} = ${d.timeParam()})`, Math.round(e.number!));
  if (e.wildcard) {
    const pat = likePattern(e.value, true);
    return frag(d.likeParam(fieldText(d, f), pat.includes('\\')), pat);
  }
  if (f.column !== null) {
    if (isNumericColumn(f)) return frag(`(${d.ident(f.key)} = ?)`, e.number);
    return frag(`(${d.ident(f.key)} = ?)`, e.value);
  }
  const text = d.jsonText(fieldsCol(d), f.key);
  if (e.number === null) return frag(`(${text} = ?)`, e.value);
  return frag(`(${text} = ? OR ${d.jsonNumber(fieldsCol(d), f.key)} = ?)`, e.value, e.number);
}

function fieldsCol(d: Dialect): string {
  return d.ident(FIELDS_COLUMN);
}

/** A field as text (for wildcards and regexes). */
function fieldText(d: Dialect, f: FieldRef): string {
  if (f.column === null) return d.jsonText(fieldsCol(d), f.key);
  if (isNumericColumn(f)) return d.numberText(d.ident(f.key));
  return d.ident(f.key);
}

/** A field as a number (for comparisons and numeric aggregates). */
function fieldNumber(d: Dialect, f: FieldRef): string {
  return f.column === null ? d.jsonNumber(fieldsCol(d), f.key) : d.ident(f.key);
}

/** A field's value as it should appear in results and group keys (typed). */
function fieldValue(d: Dialect, f: FieldRef): string {
  return f.column === null ? d.jsonValue(fieldsCol(d), f.key) : d.ident(f.key);
}

// ---- pipe stages ------------------------------------------------------------------------------

type Percentiles = NonNullable<PlanOptions['percentiles']>;

function applyStage(d: Dialect, rel: Relation, s: Stage, percentiles: Percentiles): Relation {
  switch (s.type) {
    case 'limit':
      return { ...rel, limit: rel.limit === null ? s.n : Math.min(rel.limit, s.n) };
    case 'sort': {
      const base = rel.limit === null ? rel : rewrap(d, rel);
      const keys = s.keys.flatMap((k) => sortTerms(d, resolveCol(base, k.column), k.desc));
      return { ...base, order: [...keys, ...base.order] };
    }
    case 'fields': {
      const projection = s.columns.map((c) => ({ name: refName(c), col: resolveCol(rel, c) }));
      return { ...rel, projection };
    }
    case 'stats':
    case 'timechart': {
      const src = sourceOf(d, rel);
      const keys = groupKeys(d, rel, s);
      const counted = percentiles === 'sort' ? null : countedPercentiles(d, rel, s);
      const select = counted
        ? countsSelect(d, src, keys, counted, s.aggs, percentiles === 'auto')
        : groupSelect(d, rel, src, keys, s.aggs);
      const outNames = keys.map((k) => k.name);
      const order = outNames.map((n) => `${d.ident(n)} ASC NULLS LAST`);
      return { kind: 'table', select, order, limit: null, aggregated: true, projection: null };
    }
    case 'top': {
      const src = sourceOf(d, rel);
      const v = colValue(d, resolveCol(rel, s.field));
      const name = d.ident(refName(s.field));
      const notNull = frag(`${src.where.sql ? ' AND' : ' WHERE'} ${v} IS NOT NULL`);
      const select = cat(
        frag(`SELECT ${v} AS ${name}, count(*) AS ${d.ident('count')} FROM `),
        src.from,
        src.where,
        notNull,
        frag(` GROUP BY ${v}`),
      );
      const order = [`${d.ident('count')} DESC`, `${name} ASC NULLS LAST`];
      return { kind: 'table', select, order, limit: s.n, aggregated: true, projection: null };
    }
  }
}

/** A group key of an aggregating stage: what it groups by, and what its output column shows. */
interface GroupKey {
  name: string;
  sql: string;
  /** The output value from the key's value (a time bucket's start from its number). */
  output(key: string): string;
}

/** The group keys of a stats or timechart stage: the time bucket first, then the `by` columns. */
function groupKeys(
  d: Dialect,
  rel: Relation,
  s: Extract<Stage, { type: 'stats' | 'timechart' }>,
): GroupKey[] {
  const keys: GroupKey[] = [];
  if (s.type === 'timechart') {
    const iv = s.intervalUs;
    keys.push({
      name: 'time',
      sql: d.timeBucketKey(d.ident('ts'), iv),
      output: (k) => d.timeBucketStart(k, iv),
    });
  }
  for (const b of s.by)
    keys.push({ name: refName(b), sql: colValue(d, resolveCol(rel, b)), output: (k) => k });
  return keys;
}

/** One GROUP BY computing every aggregate. */
function groupSelect(
  d: Dialect,
  rel: Relation,
  src: { from: Frag; where: Frag },
  keys: GroupKey[],
  aggs: Aggregate[],
): Frag {
  const cols = keys.map((k) => `${k.output(k.sql)} AS ${d.ident(k.name)}`);
  for (const a of aggs) {
    const arg = a.field === null ? null : resolveCol(rel, a.field);
    cols.push(`${aggregateSql(d, a, arg)} AS ${d.ident(a.name)}`);
  }
  const groupBy = keys.length > 0 ? ` GROUP BY ${keys.map((k) => k.sql).join(', ')}` : '';
  return cat(frag(`SELECT ${cols.join(', ')} FROM `), src.from, src.where, frag(groupBy));
}

/** What a stage's column reference reads in `rel`. */
function resolveCol(rel: Relation, c: ColumnRef): Col {
  if (c.kind === 'field') return c;
  const p = rel.projection?.find((x) => x.name === c.name);
  if (p) return p.col;
  return c;
}

/** FROM and WHERE for an aggregating stage reading `rel`. */
function sourceOf(d: Dialect, rel: Relation): { from: Frag; where: Frag } {
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
function rewrap(d: Dialect, rel: Relation): Relation {
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
): Frag {
  const keys = IDENTITY.map((c) => d.ident(c)).join(', ');
  const order = [...rel.order, ...newestFirst(d)].join(', ');
  const tail = ` ORDER BY ${order} LIMIT ${numberLiteral(limit)}`;
  const wanted = cat(frag(`SELECT ${keys} FROM `), rel.from, whereOf(rel.where), frag(tail));
  return cat(
    frag(`SELECT ${cols} FROM `),
    rel.from,
    frag(` JOIN (SELECT DISTINCT ${keys} FROM (`),
    wanted,
    frag(`) AS w) AS k USING (${keys})${tail}`),
  );
}

function finishSql(d: Dialect, rel: Relation, limit: number | undefined): Frag {
  if (rel.kind === 'events') {
    const cols =
      rel.projection === null
        ? EVENT_RESULT_COLUMNS.map((c) => d.ident(c)).join(', ')
        : projectionSql(d, rel.projection);
    const n = rel.limit ?? limit ?? DEFAULT_EVENT_LIMIT;
    return rel.base ? lateEventsSql(d, rel, cols, n) : eventsSql(d, rel, cols, n);
  }
  const fallback = limit ?? (rel.aggregated ? DEFAULT_TABLE_LIMIT : DEFAULT_EVENT_LIMIT);
  return tableSql(d, rel, rel.limit ?? fallback);
}

/** ORDER BY terms for a column; JSON fields sort numbers first (numerically), then text. */
function sortTerms(d: Dialect, c: Col, desc: boolean): string[] {
  const dir = desc ? 'DESC' : 'ASC';
  if (c.kind === 'output') return [`${d.ident(c.name)} ${dir} NULLS LAST`];
  const f = c.field;
  if (f.column !== null) return [`${d.ident(f.key)} ${dir} NULLS LAST`];
  return [
    `${d.jsonNumber(fieldsCol(d), f.key)} ${dir} NULLS LAST`,
    `${d.jsonText(fieldsCol(d), f.key)} ${dir} NULLS LAST`,
  ];
}

/** A column's value as it appears in results and group keys (typed). */
function colValue(d: Dialect, c: Col): string {
  return c.kind === 'output' ? d.ident(c.name) : fieldValue(d, c.field);
}

/** A column as a number (for numeric aggregates). */
function numberOf(d: Dialect, c: Col): string {
  return c.kind === 'output' ? d.ident(c.name) : fieldNumber(d, c.field);
}

function aggregateSql(d: Dialect, a: Aggregate, c: Col | null): string {
  if (c === null) return 'count(*)';
  const value = colValue(d, c);
  const number = numberOf(d, c);
  switch (a.fn) {
    case 'count':
      return `count(${value})`;
    case 'distinct':
      return d.countDistinct(value);
    case 'sum':
      return `sum(${number})`;
    case 'avg':
      return `avg(${number})`;
    case 'min':
    case 'max':
      return `${a.fn}(${c.kind === 'field' && c.field.column === null ? number : value})`;
    case 'percentile':
      return d.quantile(number, a.quantile!);
  }
}

// ---- percentiles from value counts ----------------------------------------------------------

/** Rows of a stage's input that `auto` looks at to judge how often values repeat. */
const PROBE_ROWS = 65_536;

/**
 * The value every percentile of the stage reads, when the stage can take its percentiles from value
 * counts: its aggregates are percentiles of that one value and plain `count`s (anything else would
 * need the rows themselves). Null when it cannot.
 */
function countedPercentiles(
  d: Dialect,
  rel: Relation,
  s: Extract<Stage, { type: 'stats' | 'timechart' }>,
): string | null {
  let value: string | null = null;
  for (const a of s.aggs) {
    if (a.fn === 'count' && a.field === null) continue;
    if (a.fn !== 'percentile' || a.field === null) return null;
    const v = numberOf(d, resolveCol(rel, a.field));
    if (value !== null && v !== value) return null;
    value = v;
  }
  return value;
}

/** A column of the counts query. `#` never starts a field name, so these cannot meet the user's. */
function inner(d: Dialect, name: string): string {
  return d.ident(`#${name}`);
}

/** A percentile of the stage: its aggregate's index (naming its inner columns) and quantile. */
interface Pct {
  i: number;
  q: number;
}

/**
 * A stage's percentiles from per-value counts. The engine's quantile keeps and sorts every value of
 * every group; counting rows per (group, value) keeps one row per distinct value instead, and
 * running totals of the counts find the two values the quantile interpolates between. Over the
 * benchmark's 10M events with about 1,000 distinct latencies that is some 2.5x less work. The
 * arithmetic is quantile_cont's, so results are equal to the last bit: position (n - 1) * q in
 * doubles, the values at its floor and ceiling ranks, lo * (1 - f) + hi * f with f = position - floor.
 *
 * When nearly every value differs, the counts are as many rows as the input and cost several times
 * the quantile. So with `auto` a sample of the input decides, in the same statement: when its
 * values repeat they are counted; else the counted value is NULL (one row per group) and the
 * engine's quantile runs on the values instead.
 */
function countsSelect(
  d: Dialect,
  src: { from: Frag; where: Frag },
  keys: GroupKey[],
  value: string,
  aggs: Aggregate[],
  auto: boolean,
): Frag {
  const pct = aggs.flatMap((a, i): Pct[] => (a.fn === 'percentile' ? [{ i, q: a.quantile! }] : []));
  const counts = valueCounts(d, src, keys, value, pct, auto);
  const ranked = rankedValues(d, runningTotals(d, counts, keys.length), keys.length, pct, auto);
  const out = keys.map((key, i) => `${key.output(inner(d, `k${i}`))} AS ${d.ident(key.name)}`);
  for (const [i, a] of aggs.entries()) {
    const v = a.fn === 'percentile' ? percentileValue(d, i, auto) : inner(d, 'count');
    out.push(`${v} AS ${d.ident(a.name)}`);
  }
  return cat(frag(`SELECT ${out.join(', ')} FROM (`), ranked, frag(`) AS ${inner(d, 'r')}`));
}

/** Percentile `i` from `rankedValues`' columns, interpolated as quantile_cont does (or the engine's own). */
function percentileValue(d: Dialect, i: number, auto: boolean): string {
  const [lo, hi, pos, q] = ['lo', 'hi', 'pos', 'q'].map((x) => inner(d, `${x}${i}`));
  const f = `(${pos} - floor(${pos}))`;
  const interpolated = `CASE WHEN floor(${pos}) = ceil(${pos}) THEN ${lo} ELSE ${lo} * (1 - ${f}) + ${hi} * ${f} END`;
  return auto ? `coalesce(${q}, ${interpolated})` : interpolated;
}

/** Rows per (group keys, value), as `#k0…`, `#v`, `#n`; with `auto`, the engine's quantiles `#q<i>` too. */
function valueCounts(
  d: Dialect,
  src: { from: Frag; where: Frag },
  keys: GroupKey[],
  value: string,
  pct: Pct[],
  auto: boolean,
): Frag {
  const few = `${inner(d, 's')}.${inner(d, 'few')}`;
  const counted = auto ? `CASE WHEN ${few} THEN CAST(${value} AS DOUBLE) END` : `CAST(${value} AS DOUBLE)`;
  const cols = keys.map((key, i) => `${key.sql} AS ${inner(d, `k${i}`)}`);
  cols.push(`${counted} AS ${inner(d, 'v')}`, `count(*) AS ${inner(d, 'n')}`);
  // Where the sample saw repeats, no value reaches the quantile, which then costs next to nothing.
  if (auto) {
    const uncounted = `CASE WHEN ${few} THEN NULL ELSE ${value} END`;
    for (const p of pct) cols.push(`${d.quantile(uncounted, p.q)} AS ${inner(d, `q${p.i}`)}`);
  }
  const probe = auto
    ? cat(frag(', ('), probeSql(d, src, keys, value), frag(`) AS ${inner(d, 's')}`))
    : frag('');
  const groupBy = frag(` GROUP BY ${[...keys.map((key) => key.sql), counted].join(', ')}`);
  return cat(frag(`SELECT ${cols.join(', ')} FROM `), src.from, probe, src.where, groupBy);
}

/**
 * The counts with `#upto` (the group's non-null rows up to and including this value) and `#total`
 * (all of the group's non-null rows). NULL values sort last and count in neither.
 */
function runningTotals(d: Dialect, counts: Frag, nKeys: number): Frag {
  const keys = Array.from({ length: nKeys }, (_, i) => inner(d, `k${i}`));
  const partition = nKeys > 0 ? `PARTITION BY ${keys.join(', ')}` : '';
  const v = inner(d, 'v');
  const nonNull = `sum(CASE WHEN ${v} IS NOT NULL THEN ${inner(d, 'n')} END)`;
  const ordered = [partition, `ORDER BY ${v}`].filter(Boolean).join(' ');
  const upto = `${nonNull} OVER (${ordered}) AS ${inner(d, 'upto')}`;
  const total = `${nonNull} OVER (${partition}) AS ${inner(d, 'total')}`;
  return cat(frag(`SELECT *, ${upto}, ${total} FROM (`), counts, frag(`) AS ${inner(d, 'c')}`));
}

/**
 * One row per group: `#count` (its rows), and per percentile the position `#pos<i>` and the values
 * `#lo<i>` and `#hi<i>` at its floor and ceiling ranks (0-based): the smallest values whose running
 * totals pass those ranks.
 */
function rankedValues(d: Dialect, running: Frag, nKeys: number, pct: Pct[], auto: boolean): Frag {
  const keys = Array.from({ length: nKeys }, (_, i) => inner(d, `k${i}`));
  const [v, n, upto, total] = ['v', 'n', 'upto', 'total'].map((x) => inner(d, x));
  // quantile_cont's position: (double) (n - 1) * q, q being the very double its literal reads as.
  const pos = (q: number, count: string) => `(CAST(${count} - 1 AS DOUBLE) * ${doubleLiteral(q)})`;
  const cols = [...keys, `CAST(coalesce(sum(${n}), 0) AS BIGINT) AS ${inner(d, 'count')}`];
  for (const p of pct) {
    const at = (round: string) => `min(CASE WHEN ${upto} > ${round}(${pos(p.q, total)}) THEN ${v} END)`;
    cols.push(`${pos(p.q, `max(${total})`)} AS ${inner(d, `pos${p.i}`)}`);
    cols.push(`${at('floor')} AS ${inner(d, `lo${p.i}`)}`, `${at('ceil')} AS ${inner(d, `hi${p.i}`)}`);
    if (auto) cols.push(`max(${inner(d, `q${p.i}`)}) AS ${inner(d, `q${p.i}`)}`);
  }
  const groupBy = nKeys > 0 ? ` GROUP BY ${keys.join(', ')}` : '';
  return cat(frag(`SELECT ${cols.join(', ')} FROM (`), running, frag(`) AS ${inner(d, 't')}${groupBy}`));
}

/**
 * Whether the stage's input repeats its values enough to count them, judged on its first
 * PROBE_ROWS rows (a LIMIT stops the scan there, a few ms): distinct (group, value) pairs are at
 * most 1/8 of the rows, and pairs seen once at most 1/1024 of them, so that the values the sample
 * saw rarely, or not at all, are few in the rest too.
 */
function probeSql(d: Dialect, src: { from: Frag; where: Frag }, keys: GroupKey[], value: string): Frag {
  const pair = [...keys.map((_, i) => inner(d, `k${i}`)), inner(d, 'v')].join(', ');
  const n = inner(d, 'n');
  const cols = [
    ...keys.map((key, i) => `${key.sql} AS ${inner(d, `k${i}`)}`),
    `${value} AS ${inner(d, 'v')}`,
  ];
  const limit = frag(` LIMIT ${numberLiteral(PROBE_ROWS)}`);
  const sample = cat(frag(`SELECT ${cols.join(', ')} FROM `), src.from, src.where, limit);
  const few = `count(*) * 8 <= sum(${n}) AND count(CASE WHEN ${n} = 1 THEN 1 END) * 1024 <= sum(${n})`;
  return cat(
    frag(
      `SELECT coalesce(${few}, FALSE) AS ${inner(d, 'few')} FROM (SELECT ${pair}, count(*) AS ${n} FROM (`,
    ),
    sample,
    frag(`) AS ${inner(d, 'p')} GROUP BY ${pair}) AS ${inner(d, 'd')}`),
  );
}

/** The time bounds implied by the options and by `ts` terms every match must satisfy. */
function timeBounds(filter: Expr, opts: PlanOptions): QueryPlan['range'] {
  let from = opts.fromUs;
  let to = opts.toUs;
  const terms = filter.type === 'and' ? filter.exprs : [filter];
  for (const t of terms) {
    if (t.type !== 'compare' && t.type !== 'match') continue;
    if (t.field.column !== 'timestamp') continue;
    const v = t.type === 'compare' ? t.value : t.number!;
    const op = t.type === 'compare' ? t.op : '=';
    if (op !== '<' && op !== '<=') from = from === undefined ? v : Math.max(from, v);
    if (op !== '>' && op !== '>=') to = to === undefined ? v : Math.min(to, v);
  }
  const range: QueryPlan['range'] = {};
  if (from !== undefined) range.fromUs = Math.round(from);
  if (to !== undefined) range.toUs = Math.round(to);
  return range;
}

function refName(c: ColumnRef): string {
  return c.kind === 'field' ? c.field.name : c.name;
}

/**
 * The longest run (two characters or more) of ASCII digits, punctuation and spaces in a
 * lowercased term, or null. No other character lowercases to one of these, so any text whose
 * lowercase holds the term holds the run as it is.
 */
export function caselessRun(needle: string): string | null {
  let best = '';
  let start = -1;
  for (let i = 0; i <= needle.length; i++) {
    const c = i < needle.length ? needle.charCodeAt(i) : -1;
    const plain = c >= 0x20 && c < 0x7f && !(c >= 0x61 && c <= 0x7a) && !(c >= 0x41 && c <= 0x5a);
    if (plain) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      if (i - start > best.length) best = needle.slice(start, i);
      start = -1;
    }
  }
  return best.length >= 2 ? best : null;
}

function frag(sql: string, ...params: Param[]): Frag {
  return { sql, params };
}

function cat(...parts: Frag[]): Frag {
  return { sql: parts.map((p) => p.sql).join(''), params: parts.flatMap((p) => p.params) };
}

function wrap(open: string, inner: Frag, close: string): Frag {
  return { sql: `${open}${inner.sql}${close}`, params: inner.params };
}

function join(parts: Frag[], sep: string, open = '', close = ''): Frag {
  return {
    sql: `${open}${parts.map((p) => p.sql).join(sep)}${close}`,
    params: parts.flatMap((p) => p.params),
  };
}
