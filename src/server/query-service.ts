/**
 * Runs a query-language request against a store: parse, plan, execute. The HTTP API and the CLI
 * (when no storage process is running) both come through here, so they answer alike.
 */
import type { QueryRows, StorageEngine } from '../core/storage.js';
import { assertReadOnlySql, parseQuery, planQuery } from '../query/index.js';

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
  const plan = planQuery(ast, { fromUs: req.fromUs, toUs: req.toUs, limit: req.limit });
  const result = await store.query(plan, {
    maxRows: MAX_ROWS,
    timeoutMs: req.timeoutMs,
    range: plan.range,
  });
  return { kind: plan.kind, ...result, ...(req.explain ? { sql: plan.sql, params: plan.params } : {}) };
}

/** Runs raw SQL after the read-only guard; throws QueryError for anything that could write. */
export async function runSql(store: StorageEngine, sql: string, timeoutMs?: number): Promise<QueryResponse> {
  assertReadOnlySql(sql);
  const result = await store.query({ sql, params: [] }, { maxRows: MAX_ROWS, timeoutMs });
  return { kind: 'table', ...result };
}
