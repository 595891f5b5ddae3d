/**
 * A second, deliberately plain evaluator of the query AST over in-memory LogEvents: the reference
 * the SQL planner is tested against (differential tests), and a way to run a query where there is
 * no store. It follows the planner's documented semantics (SQL NULL rules, NULLS LAST, newest
 * first, default limits) and returns rows shaped like the store's.
 */

import { TIME_BUCKET_ORIGIN_US } from '../core/dialect.js';
import type { FieldValue, LogEvent } from '../core/events.js';
import { fitsColumn, PROMOTED_FIELDS } from '../core/schema.js';
import type { QueryRows } from '../core/storage.js';
import { formatMicros } from '../core/time.js';
import type { Aggregate, ColumnRef, Expr, FieldRef, QueryAst, Stage } from './ast.js';
import { isNumericColumn } from './fields.js';
import { lowerLikeStore } from './lowercase.js';
import {
  DEFAULT_EVENT_LIMIT,
  DEFAULT_TABLE_LIMIT,
  EVENT_RESULT_COLUMNS,
  type PlanOptions,
} from './planner.js';

/** A stored row: column values (ts in epoch µs) and the leftover `fields`, as the store keeps them. */
type Row = Record<string, unknown> & { fields: Record<string, FieldValue> | null };

/** A value with its type, so timestamps print as ISO text and JSON values compare as JSON text. */
type Cell = { t: 'time'; v: number } | { t: 'json'; v: FieldValue } | { t: 'plain'; v: unknown };

/** Runs a query over events the way the store would. */
export function evaluateQuery(ast: QueryAst, events: readonly LogEvent[], opts: PlanOptions = {}): QueryRows {
  const started = performance.now();
  let rows: Row[] = events.map(storedRow).filter((r) => {
    const ts = r.ts as number;
    if (opts.fromUs !== undefined && ts < Math.round(opts.fromUs)) return false;
    if (opts.toUs !== undefined && ts >= Math.round(opts.toUs)) return false;
    return evalExpr(ast.filter, r) === true;
  });
  let rel: Relation = { kind: 'events', rows, order: [], limit: null, projection: null };
  rel = sortRelation(rel);
  for (const stage of ast.stages) rel = applyStage(rel, stage);
  const fallback = rel.kind === 'events' || !rel.aggregated ? DEFAULT_EVENT_LIMIT : DEFAULT_TABLE_LIMIT;
  const limit = rel.limit ?? opts.limit ?? fallback;
  rows = rel.rows.slice(0, limit);
  let columns: string[];
  let out: Record<string, unknown>[];
  if (rel.projection !== null) {
    const projection = rel.projection;
    columns = projection.map((p) => p.name);
    out = rows.map((r) => Object.fromEntries(projection.map((p) => [p.name, plainOf(readCol(r, p.col))])));
  } else if (rel.kind === 'events') {
    columns = [...EVENT_RESULT_COLUMNS];
    out = rows.map(eventResult);
  } else {
    columns = rel.columns;
    out = rows.map((r) => Object.fromEntries(columns.map((c) => [c, plainOf(r[c] as Cell)])));
  }
  return { columns, rows: out, elapsed_ms: performance.now() - started };
}

/**
 * A predicate for the search part of a query (pipes are ignored): whether one event matches, as
 * the store would decide. For following new events live without a round trip to the store.
 * Regexes run on JavaScript's backtracking engine here, not RE2: a hostile pattern can be slow.
 */
export function eventMatcher(ast: QueryAst): (e: LogEvent) => boolean {
  const filter = ast.filter;
  if (filter.type === 'all') return () => true;
  return (e) => evalExpr(filter, storedRow(e)) === true;
}

// ---- rows as stored -----------------------------------------------------------------------------

const PROMOTED = PROMOTED_FIELDS.map((c) => c.name);
const PROMOTED_TYPE = new Map(PROMOTED_FIELDS.map((c) => [c.name, c.type]));

function storedRow(e: LogEvent): Row {
  const row: Row = {
    ts: Math.trunc(e.ts),
    level: e.level,
    service: e.service ?? null,
    host: e.host ?? null,
    source: e.source,
    generation: e.generation,
    offset: e.offset,
    format: e.format,
    message: e.message,
    raw: e.raw,
    fields: null,
  };
  for (const name of PROMOTED) {
    const v = e.fields[name];
    row[name] = v !== undefined && fitsColumn(PROMOTED_TYPE.get(name), v) ? v : null;
  }
  for (const k in e.fields) {
    if (fitsColumn(PROMOTED_TYPE.get(k), e.fields[k])) continue;
    row.fields ??= {};
    row.fields[k] = e.fields[k];
  }
  return row;
}

function eventResult(r: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of EVENT_RESULT_COLUMNS) out[c] = c === 'ts' ? formatMicros(r.ts as number) : r[c];
  return out;
}

// ---- search expression (SQL three-valued logic: null is "unknown") ------------------------------

function evalExpr(e: Expr, r: Row): boolean | null {
  switch (e.type) {
    case 'all':
      return true;
    case 'and': {
      let out: boolean | null = true;
      for (const x of e.exprs) {
        const v = evalExpr(x, r);
        if (v === false) return false;
        if (v === null) out = null;
      }
      return out;
    }
    case 'or': {
      let out: boolean | null = false;
      for (const x of e.exprs) {
        const v = evalExpr(x, r);
        if (v === true) return true;
        if (v === null) out = null;
      }
      return out;
    }
    case 'not':
      return !(evalExpr(e.expr, r) ?? false);
    case 'text': {
      const needle = lowerLikeStore(e.text);
      const hay = [r.message as string | null, r.raw as string | null];
      if (e.wildcard) {
        const re = likeRegex(`*${needle}*`, false);
        return orNull(hay.map((h) => (h === null ? null : re.test(lowerLikeStore(h)))));
      }
      return orNull(hay.map((h) => (h === null ? null : lowerLikeStore(h).includes(needle))));
    }
    case 'regex': {
      const target = e.field ? fieldText(r, e.field) : (r.message as string | null);
      if (target === null) return false;
      return compiled(e.pattern, e.ignoreCase ? 'i' : '').test(target);
    }
    case 'exists':
      return e.field.column !== null ? r[e.field.key] != null : jsonOf(r, e.field.key) !== undefined;
    case 'compare': {
      const n = e.field.column === 'timestamp' ? (r.ts as number) : fieldNumber(r, e.field);
      if (n === null) return null;
      return compare(n, e.op, e.value);
    }
    case 'match':
      return evalMatch(e, r);
  }
}

function orNull(vs: (boolean | null)[]): boolean | null {
  if (vs.includes(true)) return true;
  return vs.includes(null) ? null : false;
}

function compare(a: number, op: string, b: number): boolean {
  if (op === '>') return a > b;
  if (op === '>=') return a >= b;
  if (op === '<') return a < b;
  return a <= b;
}

function evalMatch(e: Extract<Expr, { type: 'match' }>, r: Row): boolean | null {
  const f = e.field;
  if (f.column === 'timestamp') return r.ts === e.number;
  if (e.wildcard) {
    const text = fieldText(r, f);
    return text === null ? null : likeRegex(e.value, false).test(text);
  }
  if (f.column !== null) {
    const v = r[f.key];
    if (v === null || v === undefined) return null;
    return isNumericColumn(f) ? v === e.number : v === e.value;
  }
  const v = jsonOf(r, f.key);
  if (v === undefined) return null;
  if (jsonText(v) === e.value) return true;
  return e.number !== null && typeof v === 'number' ? v === e.number : false;
}

/** Compiled regexes, so that matching many events compiles each pattern once. */
const regexCache = new Map<string, RegExp>();

function compiled(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = regexCache.get(key);
  if (!re) {
    if (regexCache.size > 1000) regexCache.clear();
    re = new RegExp(source, flags);
    regexCache.set(key, re);
  }
  return re;
}

/** A `*` pattern as an anchored regex over the whole text (`*` crosses newlines, like LIKE's `%`). */
function likeRegex(pattern: string, ignoreCase: boolean): RegExp {
  const parts = pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return compiled(`^${parts.join('[\\s\\S]*')}$`, ignoreCase ? 'i' : '');
}

function jsonOf(r: Row, key: string): FieldValue | undefined {
  return r.fields && Object.hasOwn(r.fields, key) ? r.fields[key] : undefined;
}

/** A JSON value's text as `json_extract_string` gives it. */
function jsonText(v: FieldValue): string {
  return typeof v === 'string' ? v : String(v);
}

/** A field as text (wildcards, regexes); numbers as DuckDB casts them to VARCHAR. */
function fieldText(r: Row, f: FieldRef): string | null {
  if (f.column === null) {
    const v = jsonOf(r, f.key);
    return v === undefined ? null : jsonText(v);
  }
  const v = r[f.key];
  if (v === null || v === undefined) return null;
  if (f.column === 'double') return doubleText(v as number);
  return String(v);
}

function doubleText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e15 ? `${n}.0` : String(n);
}

/** A field as a number: numeric columns, or JSON numbers (text stays text). */
function fieldNumber(r: Row, f: FieldRef): number | null {
  if (f.column !== null) {
    const v = r[f.key];
    return typeof v === 'number' ? v : null;
  }
  const v = jsonOf(r, f.key);
  return typeof v === 'number' ? v : null;
}

// ---- pipe stages ---------------------------------------------------------------------------------

/** A comparison key: ascending or descending, nulls always last. */
type SortFn = (r: Row) => Cell | null;
interface OrderKey {
  get: SortFn;
  desc: boolean;
}

interface Projected {
  name: string;
  col: Col;
}

type Col = { kind: 'field'; field: FieldRef } | { kind: 'output'; name: string };

type Relation =
  | { kind: 'events'; rows: Row[]; order: OrderKey[]; limit: number | null; projection: Projected[] | null }
  | {
      kind: 'table';
      rows: Row[];
      columns: string[];
      order: OrderKey[];
      limit: number | null;
      aggregated: boolean;
      projection: Projected[] | null;
    };

const NEWEST_FIRST: OrderKey[] = [
  { get: (r) => ({ t: 'plain', v: r.ts }), desc: true },
  { get: (r) => ({ t: 'plain', v: r.source }), desc: false },
  { get: (r) => ({ t: 'plain', v: r.generation }), desc: false },
  { get: (r) => ({ t: 'plain', v: r.offset }), desc: true },
];

/** Sorts (and cuts to the limit) by the relation's order, plus newest first for events. */
function sortRelation<R extends Relation>(rel: R): R {
  const keys = rel.kind === 'events' ? [...rel.order, ...NEWEST_FIRST] : rel.order;
  const rows = [...rel.rows].sort((a, b) => {
    for (const k of keys) {
      const c = compareCells(k.get(a), k.get(b), k.desc);
      if (c !== 0) return c;
    }
    return 0;
  });
  return { ...rel, rows: rel.limit === null ? rows : rows.slice(0, rel.limit) };
}

function applyStage(rel: Relation, s: Stage): Relation {
  switch (s.type) {
    case 'limit':
      return sortRelation({ ...rel, limit: rel.limit === null ? s.n : Math.min(rel.limit, s.n) });
    case 'sort': {
      const keys = s.keys.flatMap((k) => sortKeys(resolve(rel, k.column), k.desc));
      // Rows past an earlier limit are already gone; the old order stays as a tie-breaker.
      return sortRelation({ ...rel, order: [...keys, ...rel.order], limit: null });
    }
    case 'fields':
      return { ...rel, projection: s.columns.map((c) => ({ name: refName(c), col: resolve(rel, c) })) };
    case 'stats':
    case 'timechart':
      return aggregateStage(rel, s);
    case 'top': {
      const col = resolve(rel, s.field);
      const name = refName(s.field);
      const groups = new Map<string, { key: Cell; n: number }>();
      for (const r of rel.rows) {
        const key = readCol(r, col);
        if (key === null) continue;
        const g = groups.get(groupKey(key));
        if (g) g.n++;
        else groups.set(groupKey(key), { key, n: 1 });
      }
      const rows = [...groups.values()].map((g) => tableRow({ [name]: g.key, count: plain(g.n) }));
      const order: OrderKey[] = [
        { get: (r) => r.count as Cell, desc: true },
        { get: (r) => r[name] as Cell | null, desc: false },
      ];
      return sortRelation({
        kind: 'table',
        rows,
        columns: [name, 'count'],
        order,
        limit: s.n,
        aggregated: true,
        projection: null,
      });
    }
  }
}

function aggregateStage(rel: Relation, s: Extract<Stage, { type: 'stats' | 'timechart' }>): Relation {
  const keyCols = s.by.map((b) => ({ name: refName(b), col: resolve(rel, b) }));
  const groups = new Map<string, { keys: Record<string, Cell | null>; rows: Row[] }>();
  for (const r of rel.rows) {
    const keys: Record<string, Cell | null> = {};
    if (s.type === 'timechart') {
      const ts = r.ts as number;
      keys.time = {
        t: 'time',
        v: TIME_BUCKET_ORIGIN_US + Math.floor((ts - TIME_BUCKET_ORIGIN_US) / s.intervalUs) * s.intervalUs,
      };
    }
    for (const k of keyCols) keys[k.name] = readCol(r, k.col);
    const id = Object.values(keys)
      .map((c) => (c === null ? '\0null' : groupKey(c)))
      .join('\u0001');
    const g = groups.get(id);
    if (g) g.rows.push(r);
    else groups.set(id, { keys, rows: [r] });
  }
  // Without `by`, SQL aggregates over no rows still give one row.
  if (groups.size === 0 && keyCols.length === 0 && s.type === 'stats') groups.set('', { keys: {}, rows: [] });
  const rows = [...groups.values()].map((g) => {
    const out: Record<string, Cell | null> = { ...g.keys };
    for (const a of s.aggs)
      out[a.name] = aggregate(a, a.field === null ? null : resolve(rel, a.field), g.rows);
    return tableRow(out);
  });
  const names = [...(s.type === 'timechart' ? ['time'] : []), ...keyCols.map((k) => k.name)];
  const order = names.map((n) => ({ get: (r: Row) => r[n] as Cell | null, desc: false }));
  const columns = [...names, ...s.aggs.map((a) => a.name)];
  return sortRelation({
    kind: 'table',
    rows,
    columns,
    order,
    limit: null,
    aggregated: true,
    projection: null,
  });
}

function aggregate(a: Aggregate, col: Col | null, rows: Row[]): Cell | null {
  if (col === null) return plain(rows.length);
  const cells = rows.map((r) => readCol(r, col)).filter((c): c is Cell => c !== null);
  switch (a.fn) {
    case 'count':
      return plain(cells.length);
    case 'distinct':
      return plain(new Set(cells.map(groupKey)).size);
    case 'min':
    case 'max': {
      const vals = isJsonCol(col) ? numbersOf(rows, col).map(plain) : cells;
      if (vals.length === 0) return null;
      return vals.reduce((m, c) => {
        const cmp = compareCells(c, m, false);
        return a.fn === 'min' ? (cmp < 0 ? c : m) : cmp > 0 ? c : m;
      });
    }
    case 'sum': {
      const ns = numbersOf(rows, col);
      return ns.length === 0 ? null : plain(ns.reduce((x, y) => x + y, 0));
    }
    case 'avg': {
      const ns = numbersOf(rows, col);
      return ns.length === 0 ? null : plain(ns.reduce((x, y) => x + y, 0) / ns.length);
    }
    case 'percentile': {
      const ns = numbersOf(rows, col).sort((x, y) => x - y);
      if (ns.length === 0) return null;
      // Linear interpolation between closest ranks, with quantile_cont's very arithmetic, so
      // that results agree to the last bit: lo + (hi - lo) * f can differ from it by one ulp.
      const pos = (ns.length - 1) * a.quantile!;
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      if (lo === hi) return plain(ns[lo]);
      const f = pos - lo;
      return plain(ns[lo] * (1 - f) + ns[hi] * f);
    }
  }
}

function isJsonCol(col: Col): boolean {
  return col.kind === 'field' && col.field.column === null;
}

/** The numbers of a column: numeric columns, JSON numbers, or numeric output columns. */
function numbersOf(rows: Row[], col: Col): number[] {
  const out: number[] = [];
  for (const r of rows) {
    if (col.kind === 'field') {
      const n = fieldNumber(r, col.field);
      if (n !== null) out.push(n);
    } else {
      const c = r[col.name] as Cell | null;
      if (c !== null && typeof c.v === 'number') out.push(c.v);
    }
  }
  return out;
}

function tableRow(cells: Record<string, Cell | null>): Row {
  return { ...cells, fields: null } as Row;
}

function plain(v: unknown): Cell {
  return { t: 'plain', v };
}

/** What a column reference reads in `rel`. */
function resolve(rel: Relation, c: ColumnRef): Col {
  if (c.kind === 'field') return c;
  return rel.projection?.find((p) => p.name === c.name)?.col ?? c;
}

function refName(c: ColumnRef): string {
  return c.kind === 'field' ? c.field.name : c.name;
}

/** A column's typed value in a row, null when absent. */
function readCol(r: Row, c: Col): Cell | null {
  if (c.kind === 'output') return (r[c.name] as Cell | null | undefined) ?? null;
  const f = c.field;
  if (f.column === null) {
    const v = jsonOf(r, f.key);
    return v === undefined ? null : { t: 'json', v };
  }
  const v = r[f.key];
  if (v === null || v === undefined) return null;
  return f.column === 'timestamp' ? { t: 'time', v: v as number } : plain(v);
}

function sortKeys(col: Col, desc: boolean): OrderKey[] {
  if (isJsonCol(col)) {
    const f = (col as { field: FieldRef }).field;
    // Numbers first (numerically), then the text of everything, as the planner's two terms do.
    return [
      { get: (r) => nullable(fieldNumber(r, f)), desc },
      { get: (r) => nullable(jsonOf(r, f.key) === undefined ? null : jsonText(jsonOf(r, f.key)!)), desc },
    ];
  }
  return [{ get: (r) => readCol(r, col), desc }];
}

function nullable(v: unknown): Cell | null {
  return v === null ? null : plain(v);
}

/** Group identity: JSON values by their JSON text, others by type and value. */
function groupKey(c: Cell): string {
  return c.t === 'json' ? `j${JSON.stringify(c.v)}` : `${typeof c.v}:${String(c.v)}`;
}

/** SQL ordering: numbers numerically, text by code point, JSON values by their JSON text; nulls last. */
function compareCells(a: Cell | null, b: Cell | null, desc: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = a.t === 'json' ? JSON.stringify(a.v) : a.v;
  const y = b.t === 'json' ? JSON.stringify(b.v) : b.v;
  let c: number;
  if (typeof x === 'number' && typeof y === 'number') c = x < y ? -1 : x > y ? 1 : 0;
  else if (typeof x === 'boolean' && typeof y === 'boolean') c = Number(x) - Number(y);
  else c = compareCodePoints(String(x), String(y));
  return desc ? -c : c;
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** A cell as the store returns it: ISO text for times, parsed values for JSON. */
function plainOf(c: Cell | null | undefined): unknown {
  if (c === null || c === undefined) return null;
  if (c.t === 'time') return formatMicros(c.v);
  return c.v;
}
