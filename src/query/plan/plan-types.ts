/** What the planner is asked (PlanOptions) and what it answers (QueryPlan), with its defaults. */
import { EVENT_COLUMNS, FIELDS_COLUMN, PROMOTED_FIELDS } from '../../core/schema.js';
import type { SqlQuery } from '../../core/storage.js';

export interface PlanOptions {
  /** Only events at or after this time (epoch µs). */
  fromUs?: number;
  /** Only events before this time (epoch µs). */
  toUs?: number;
  /** Rows returned when the query has no `| limit` (default 100 events, 10,000 table rows). */
  limit?: number;
  /**
   * Rows of the result to skip first (paging: `--offset`); the result's own `| limit` still
   * bounds the rows counted from its start. Default 0.
   */
  offset?: number;
  /**
   * How `pNN` aggregates are computed; the results are the same either way. `sort`: the engine's
   * quantile over every value. `counts`: from per-value counts, much cheaper when values repeat
   * (latencies, statuses, sizes) and much dearer when nearly all differ. `auto` (the default):
   * counts when a sample of the stage's input shows few distinct values, else sort.
   */
  percentiles?: 'auto' | 'counts' | 'sort';
  /**
   * Events rows also carry `generation` and `offset` (after `source`): the identity a client
   * names an event by (the HTTP API's context of an event). Default false.
   */
  identity?: boolean;
  /**
   * Events rows with their long text values cut to this many characters (code points): the
   * message, the line, the promoted text fields and the values of `fields` (plan/cut-values.ts).
   * For pages of a list, whose rows show the start of each value. Default: whole values.
   */
  maxValueChars?: number;
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

/** EVENT_RESULT_COLUMNS with the rest of each event's identity, `generation` and `offset`, after `source`. */
export const EVENT_IDENTITY_COLUMNS: readonly string[] = EVENT_RESULT_COLUMNS.flatMap((c) =>
  c === 'source' ? [c, 'generation', 'offset'] : [c],
);
