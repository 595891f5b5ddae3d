/**
 * The query AST: a search expression (what events match) followed by pipe stages (what to do with
 * them). Plain data with source positions, so the planner and the reference evaluator can report
 * errors against the text the user typed.
 */
import type { ColumnType } from '../core/schema.js';

/** A field as the query named it, resolved to a table column or a key of the `fields` JSON. */
export interface FieldRef {
  /** The name as typed (`status`, `fields.user`, `http.method`). */
  name: string;
  /** The column's type when the name is a column; null when it lives in the `fields` JSON. */
  column: ColumnType | null;
  /** The JSON key when `column` is null (the name without a leading `fields.`); else the column name. */
  key: string;
}

export type CompareOp = '>' | '>=' | '<' | '<=';

/** Matches every event: `*`, or an empty search. */
export interface AllExpr {
  type: 'all';
  pos: number;
}

/** Free text or a "phrase": case-insensitive substring of the message or the raw line. */
export interface TextExpr {
  type: 'text';
  /** The text as typed (not lowercased). */
  text: string;
  /** True for unquoted words containing `*`, which matches any run of characters. */
  wildcard: boolean;
  pos: number;
}

/** `/re/` on the message, or `field:/re/` on a field's text. */
export interface RegexExpr {
  type: 'regex';
  field: FieldRef | null;
  pattern: string;
  ignoreCase: boolean;
  pos: number;
}

/** `field:value`: exact (case-sensitive) text, a `*` wildcard pattern, or a number. */
export interface MatchExpr {
  type: 'match';
  field: FieldRef;
  /** The value as typed (for `level`, the normalised level). */
  value: string;
  /** The numeric value (units applied; µs for `ts`) when the value reads as a number or time. */
  number: number | null;
  /** True for unquoted values containing `*`. */
  wildcard: boolean;
  pos: number;
}

/** `field:*`: the field has a value. */
export interface ExistsExpr {
  type: 'exists';
  field: FieldRef;
  pos: number;
}

/** `field>value` and friends, on numbers (units applied) or on `ts` (epoch µs). */
export interface CompareExpr {
  type: 'compare';
  field: FieldRef;
  op: CompareOp;
  value: number;
  pos: number;
}

export interface NotExpr {
  type: 'not';
  expr: Expr;
  pos: number;
}

export interface AndExpr {
  type: 'and';
  exprs: Expr[];
  pos: number;
}

export interface OrExpr {
  type: 'or';
  exprs: Expr[];
  pos: number;
}

export type Expr =
  | AllExpr
  | TextExpr
  | RegexExpr
  | MatchExpr
  | ExistsExpr
  | CompareExpr
  | NotExpr
  | AndExpr
  | OrExpr;

export type AggFn = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'distinct' | 'percentile';

/** One aggregate of `stats`/`timechart`: `count`, `avg(latency_ms)`, `p99(latency_ms) as slow`. */
export interface Aggregate {
  fn: AggFn;
  /** The argument; null for a bare `count`. */
  field: ColumnRef | null;
  /** For `pNN`: the quantile in 0..1. */
  quantile?: number;
  /** The output column name: the alias, or the call as written (`count`, `p99(latency_ms)`). */
  name: string;
}

/**
 * A name used by a pipe stage: an event field before any aggregation, an output column of the
 * previous stage after one.
 */
export type ColumnRef = { kind: 'field'; field: FieldRef } | { kind: 'output'; name: string };

/** `count [by …]` and `stats agg, … [by …]`. */
export interface StatsStage {
  type: 'stats';
  aggs: Aggregate[];
  by: ColumnRef[];
  pos: number;
}

/** `timechart 5m agg, … [by field]`: aggregates per time bucket; output column `time` first. */
export interface TimechartStage {
  type: 'timechart';
  /** Bucket width in microseconds. */
  intervalUs: number;
  aggs: Aggregate[];
  by: ColumnRef[];
  pos: number;
}

/** `top N field`: the N most frequent values with their `count`. */
export interface TopStage {
  type: 'top';
  n: number;
  field: ColumnRef;
  pos: number;
}

export interface SortKey {
  column: ColumnRef;
  desc: boolean;
}

/** `sort a [asc|desc], b …`. */
export interface SortStage {
  type: 'sort';
  keys: SortKey[];
  pos: number;
}

/** `limit N`. */
export interface LimitStage {
  type: 'limit';
  n: number;
  pos: number;
}

/** `fields a,b,c`: keep only these columns. */
export interface FieldsStage {
  type: 'fields';
  columns: ColumnRef[];
  pos: number;
}

export type Stage = StatsStage | TimechartStage | TopStage | SortStage | LimitStage | FieldsStage;

/** A parsed query. */
export interface QueryAst {
  /** The query text, for error messages. */
  text: string;
  filter: Expr;
  stages: Stage[];
}
