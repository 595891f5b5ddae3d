/**
 * AST → parameterised SQL. The search expression becomes a WHERE clause (with the time range
 * pushed down on `ts`); pipe stages wrap what came before as a sub-query, so any chain composes.
 * User text only ever travels in `params`; identifiers come from the schema or are quoted, JSON
 * keys are lexer-validated names, and numbers in the SQL text are ones the parser produced.
 *
 * The jobs live in plan/: search.ts (search terms → WHERE), stages.ts (pipe stages → SELECT and
 * GROUP BY), group-keys.ts (time buckets), percentiles.ts (percentiles from value counts),
 * relation.ts (rows as a stage sees them, and the final statement), text-any.ts (free-text terms
 * searched together), limits.ts (how large a plan may be), columns.ts, sql-frag.ts and
 * plan-types.ts. The dialect comes in as a parameter: the planner knows no store.
 */
import type { Dialect } from '../core/dialect.js';
import type { QueryAst } from './ast.js';
import { assertPlanSize } from './plan/limits.js';
import {
  EVENT_IDENTITY_COLUMNS,
  EVENT_RESULT_COLUMNS,
  type PlanOptions,
  type QueryPlan,
} from './plan/plan-types.js';
import { finishSql, type Relation } from './plan/relation.js';
import { exprSql, timeBounds } from './plan/search.js';
import { type Frag, frag } from './plan/sql-frag.js';
import { applyStage } from './plan/stages.js';

export { MAX_PLAN_PARAM_CHARS, MAX_PLAN_SQL_CHARS } from './plan/limits.js';
export {
  DEFAULT_EVENT_LIMIT,
  DEFAULT_TABLE_LIMIT,
  EVENT_IDENTITY_COLUMNS,
  EVENT_RESULT_COLUMNS,
  type PlanOptions,
  type QueryPlan,
} from './plan/plan-types.js';

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
  const columns = opts.identity ? EVENT_IDENTITY_COLUMNS : EVENT_RESULT_COLUMNS;
  const final = finishSql(d, rel, opts.limit, opts.offset ?? 0, columns, opts.maxValueChars);
  assertPlanSize(ast, final);
  const kind = rel.kind === 'events' && rel.projection === null ? 'events' : 'table';
  return { sql: final.sql, params: final.params, kind, range: timeBounds(ast.filter, opts) };
}
