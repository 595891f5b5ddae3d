/**
 * Runs a query-language request against a store: parse, plan, execute. The HTTP API and the CLI
 * (when no storage process is running) both come through here, so they answer alike.
 */
import type { QueryRows, StorageEngine } from '../core/storage.js';
import {
  assertReadOnlySql,
  DEFAULT_EVENT_LIMIT,
  parseQuery,
  planQuery,
  type QueryPlan,
} from '../query/index.js';

export interface QueryRequest {
  /** Query-language text. */
  q: string;
  /** Time range, epoch microseconds. */
  fromUs?: number;
  toUs?: number;
  /** Rows to return at most (events queries). */
  limit?: number;
  /** Engine time limit. */
  timeoutMs?: number;
  /** Also return the SQL and its parameters. */
  explain?: boolean;
}

export interface QueryResponse extends QueryRows {
  kind: 'events' | 'table';
  /** With `explain`: what ran. */
  sql?: string;
  params?: unknown[];
}

/** Hard bound on rows any one answer carries. */
export const MAX_ROWS = 100_000;

/** Parses, plans and runs a query; throws QueryError for bad text, StorageError for engine failures. */
export async function runQuery(store: StorageEngine, req: QueryRequest): Promise<QueryResponse> {
  const ast = parseQuery(req.q);
  // A plain search wants the newest matches only: try the newest partitions first. If they hold
  // a full page of matches, those are the newest of all (everything else is older), and the rest
  // of the store is never read. Otherwise the whole range is searched, as it would have been.
  if (ast.stages.length === 0) {
    const t0 = newestWindowStart(store, req);
    if (t0 !== null) {
      const wanted = req.limit ?? DEFAULT_EVENT_LIMIT;
      const plan = planQuery(ast, { fromUs: t0, toUs: req.toUs, limit: req.limit });
      const result = await store.query(plan, {
        maxRows: MAX_ROWS,
        timeoutMs: req.timeoutMs,
        range: plan.range,
      });
      if (result.rows.length >= wanted) return respond(plan, result, req);
    }
  }
  const plan = planQuery(ast, { fromUs: req.fromUs, toUs: req.toUs, limit: req.limit });
  const result = await store.query(plan, { maxRows: MAX_ROWS, timeoutMs: req.timeoutMs, range: plan.range });
  return respond(plan, result, req);
}

/** Partitions in the first, newest window: two, so a partial newest hour still has a full one behind it. */
const NEWEST_WINDOW_PARTITIONS = 2;

/**
 * Where the newest window starts (epoch µs), or null when it would not save anything: fewer
 * partitions in range than the window plus one.
 */
function newestWindowStart(store: StorageEngine, req: QueryRequest): number | null {
  const inRange = store
    .sealedRanges()
    .filter(
      (r) =>
        (req.fromUs === undefined || r.maxUs >= req.fromUs) &&
        (req.toUs === undefined || r.minUs <= req.toUs),
    );
  if (inRange.length <= NEWEST_WINDOW_PARTITIONS) return null;
  const newest = [...inRange].sort((a, b) => b.maxUs - a.maxUs).slice(0, NEWEST_WINDOW_PARTITIONS);
  const t0 = Math.min(...newest.map((r) => r.minUs));
  return req.fromUs !== undefined && req.fromUs > t0 ? null : t0;
}

function respond(plan: QueryPlan, result: QueryRows, req: QueryRequest): QueryResponse {
  return { kind: plan.kind, ...result, ...(req.explain ? { sql: plan.sql, params: plan.params } : {}) };
}

/** Runs raw SQL after the read-only guard; throws QueryError for anything that could write. */
export async function runSql(store: StorageEngine, sql: string, timeoutMs?: number): Promise<QueryResponse> {
  assertReadOnlySql(sql);
  const result = await store.query({ sql, params: [] }, { maxRows: MAX_ROWS, timeoutMs });
  return { kind: 'table', ...result };
}
