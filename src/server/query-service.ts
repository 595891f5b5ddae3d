/**
 * Runs a query-language request against a store: parse, plan, execute. The HTTP API and the CLI
 * (when no storage process is running) both come through here, so they answer alike.
 */
import { isStorageError, QueryError } from '../core/errors.js';
import type { QueryRows, ScanStats, StorageEngine } from '../core/storage.js';
import {
  DEFAULT_EVENT_LIMIT,
  DEFAULT_TABLE_LIMIT,
  parseQuery,
  planQuery,
  type QueryAst,
  type QueryPlan,
  type Stage,
} from '../query/index.js';
import { cutRows, engineChars } from './cut-values.js';

export interface QueryRequest {
  /** Query-language text. */
  q: string;
  /** Time range, epoch microseconds. */
  fromUs?: number;
  toUs?: number;
  /** Rows to return at most (events queries). */
  limit?: number;
  /** Rows of the result to skip first (paging); default 0. */
  offset?: number;
  /** Also count every row the query gives (`total`), when the page may not hold them all. */
  total?: boolean;
  /** Engine time limit. */
  timeoutMs?: number;
  /** Also return the SQL and its parameters. */
  explain?: boolean;
  /** Events rows also carry `generation` and `offset` (PlanOptions.identity). */
  identity?: boolean;
  /**
   * Events rows with their long values cut to this many UTF-8 bytes, and marked with what was
   * cut (cut-values.ts); table rows are not cut.
   */
  maxValueBytes?: number;
}

export interface QueryResponse extends QueryRows {
  kind: 'events' | 'table';
  /** With `explain`: what ran. */
  sql?: string;
  params?: unknown[];
  /** With `explain`: events of the time range without a time of their own. */
  time_sources?: TimeSources;
  /** With `explain`: time spent parsing and planning the query (not running it), ms. */
  plan_ms?: number;
  /** With `explain`: time spent counting `time_sources`, ms. */
  time_sources_ms?: number;
  /**
   * With `total`: every row the query gives, the page and the rows before and after it; null when
   * counting them took longer than TOTAL_COUNT_MS.
   */
  total?: number | null;
  /**
   * What the engine read after skipping partitions by time, from the catalog's counts: rows and
   * files (partitions and unsealed segments) read, partitions skipped. Rows still in the engine's
   * in-memory table are not counted. Absent for engines that do not report it.
   */
  scanned?: Scanned;
  /** The whole request as the server saw it, ms (set by the HTTP API). */
  took_ms?: number;
}

export interface Scanned {
  rows: number;
  files: number;
  files_skipped: number;
}

/**
 * Events without a time of their own (the parser's `fields.ts_source`), by where their time came
 * from: `received`, the time the line was read; `previous`, the time of the event before it in
 * its file (imports).
 */
export interface TimeSources {
  received: number;
  previous: number;
}

/** The query that counts them; its rows are read by `timeSourcesOf`. */
export const TIME_SOURCES_QUERY = 'ts_source:* | count by ts_source';

/** The counts in the rows of TIME_SOURCES_QUERY. */
export function timeSourcesOf(rows: QueryRows['rows']): TimeSources {
  const out: TimeSources = { received: 0, previous: 0 };
  for (const r of rows) {
    // The engine may give the field's value as JSON text.
    let k = r.ts_source;
    if (typeof k === 'string' && k.startsWith('"')) {
      try {
        k = JSON.parse(k);
      } catch {}
    }
    const n = Number(r.count);
    if ((k === 'received' || k === 'previous') && Number.isFinite(n)) out[k] += n;
  }
  return out;
}

/**
 * Counts the events of a time range without a time of their own. A query over the rows (the
 * flag is a field, not a catalog column): it reads the `fields` of the range's files.
 */
export async function countTimeSources(
  store: StorageEngine,
  range: { fromUs?: number; toUs?: number },
  timeoutMs?: number,
): Promise<TimeSources> {
  const plan = planQuery(parseQuery(TIME_SOURCES_QUERY), store.dialect, range);
  const r = await store.query(plan, { maxRows: 100, timeoutMs, range: plan.range });
  return timeSourcesOf(r.rows);
}

/** Hard bound on rows any one answer carries. */
export const MAX_ROWS = 100_000;

/** Parses, plans and runs a query; throws QueryError for bad text, StorageError for engine failures. */
export async function runQuery(store: StorageEngine, req: QueryRequest): Promise<QueryResponse> {
  const res = await answerQuery(store, req);
  if (req.maxValueBytes !== undefined && res.kind === 'events') cutRows(res.rows, req.maxValueBytes);
  if (req.total) res.total = await totalOf(store, req, res);
  if (req.explain) {
    const counting = performance.now();
    res.time_sources = await countTimeSources(store, { fromUs: req.fromUs, toUs: req.toUs }, req.timeoutMs);
    res.time_sources_ms = performance.now() - counting;
  }
  return res;
}

/**
 * How long the count behind `total` may take: it is a courtesy to the reader of a table ("showing
 * 100 of 12,345"), so a slow one (a free-text search of a large store) is given up.
 */
export const TOTAL_COUNT_MS = 1500;

/**
 * Every row the query gives: known from the page when the page is not full, else counted by the
 * query followed by `| count` (over the catalog's row counts for `*`, a scan of the searched
 * columns otherwise), or null when that takes longer than TOTAL_COUNT_MS.
 */
async function totalOf(store: StorageEngine, req: QueryRequest, res: QueryResponse): Promise<number | null> {
  const offset = req.offset ?? 0;
  const full = req.limit ?? (res.kind === 'events' ? DEFAULT_EVENT_LIMIT : DEFAULT_TABLE_LIMIT);
  if (res.rows.length > 0 && res.rows.length < full) return offset + res.rows.length;
  if (res.rows.length === 0 && offset === 0) return 0;
  const ast = parseQuery(req.q);
  const count: Stage = {
    type: 'stats',
    aggs: [{ fn: 'count', field: null, name: 'count' }],
    by: [],
    pos: req.q.length,
  };
  const plan = planQuery({ ...ast, stages: [...ast.stages, count] }, store.dialect, {
    fromUs: req.fromUs,
    toUs: req.toUs,
  });
  const timeoutMs = Math.min(req.timeoutMs ?? TOTAL_COUNT_MS, TOTAL_COUNT_MS);
  try {
    const r = await store.query(plan, { maxRows: 1, timeoutMs, range: plan.range });
    const n = Number(r.rows[0]?.count);
    return Number.isFinite(n) ? n : null;
  } catch (err) {
    if (isStorageError(err, 'timeout')) return null;
    throw err;
  }
}

async function answerQuery(store: StorageEngine, req: QueryRequest): Promise<QueryResponse> {
  const planned = performance.now();
  const ast = parseQuery(req.q);
  const offset = req.offset ?? 0;
  // A plain search wants the newest matches only: try the newest partitions first. If they hold
  // a full page of matches, those are the newest of all (everything else is older), and the rest
  // of the store is never read. Otherwise the rest of the page comes from before the window,
  // which is read then, and only then. A later page (an offset) that the window does not fill
  // is asked of the whole range: where it starts before the window is not known.
  if (ast.stages.length === 0) {
    const t0 = newestWindowStart(store, req);
    if (t0 !== null) {
      const wanted = req.limit ?? DEFAULT_EVENT_LIMIT;
      const plan = planQuery(ast, store.dialect, {
        fromUs: t0,
        toUs: req.toUs,
        limit: wanted,
        offset,
        identity: req.identity,
        maxValueChars: cutChars(req),
      });
      let planMs = performance.now() - planned;
      const opts = { maxRows: MAX_ROWS, timeoutMs: req.timeoutMs };
      const newest = await store.query(plan, { ...opts, range: plan.range });
      if (newest.rows.length >= wanted) return respond(plan, newest, req, planMs);
      if (offset > 0) return answerWhole(store, ast, req, planMs);
      const olderPlanned = performance.now();
      const olderPlan = planQuery(ast, store.dialect, {
        fromUs: req.fromUs,
        toUs: t0,
        limit: wanted - newest.rows.length,
        identity: req.identity,
        maxValueChars: cutChars(req),
      });
      planMs += performance.now() - olderPlanned;
      // `to` is exclusive: the partition that starts at t0 holds nothing for this part.
      const older = await store.query(olderPlan, {
        ...opts,
        range: { ...olderPlan.range, toUs: Math.min(olderPlan.range.toUs ?? t0, t0 - 1) },
      });
      return { ...respondBoth(plan, newest, olderPlan, older, req), ...planTime(req, planMs) };
    }
  }
  return answerWhole(store, ast, req, performance.now() - planned);
}

/** The query over the whole range, in one statement (`priorMs`: parsing and planning before it). */
async function answerWhole(
  store: StorageEngine,
  ast: QueryAst,
  req: QueryRequest,
  priorMs: number,
): Promise<QueryResponse> {
  const started = performance.now();
  const plan = planQuery(ast, store.dialect, {
    fromUs: req.fromUs,
    toUs: req.toUs,
    limit: req.limit,
    offset: req.offset,
    identity: req.identity,
    maxValueChars: cutChars(req),
  });
  const planMs = priorMs + performance.now() - started;
  const result = await store.query(plan, { maxRows: MAX_ROWS, timeoutMs: req.timeoutMs, range: plan.range });
  return respond(plan, result, req, planMs);
}

/** What the engine cuts values to for the request's `maxValueBytes` (cut-values.ts). */
function cutChars(req: QueryRequest): number | undefined {
  return req.maxValueBytes === undefined ? undefined : engineChars(req.maxValueBytes);
}

/** `plan_ms` for an explained request. */
function planTime(req: QueryRequest, ms: number): { plan_ms?: number } {
  return req.explain ? { plan_ms: ms } : {};
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

/** One answer from the newest window's rows followed by the older ones (all older by `ts`). */
function respondBoth(
  plan: QueryPlan,
  newest: QueryRows,
  olderPlan: QueryPlan,
  older: QueryRows,
  req: QueryRequest,
): QueryResponse {
  const scanned = (newest.scan?.partitions_scanned ?? 0) + (older.scan?.partitions_scanned ?? 0);
  const all = (newest.scan?.partitions_scanned ?? 0) + (newest.scan?.partitions_skipped ?? 0);
  return {
    kind: plan.kind,
    columns: newest.columns,
    rows: [...newest.rows, ...older.rows],
    elapsed_ms: newest.elapsed_ms + older.elapsed_ms,
    ...(newest.scan
      ? {
          scan: { partitions_scanned: scanned, partitions_skipped: Math.max(0, all - scanned) },
          scanned: {
            // Both parts read the unsealed segments: they are counted once.
            rows:
              (newest.scan.partition_rows ?? 0) +
              (older.scan?.partition_rows ?? 0) +
              (newest.scan.segment_rows ?? 0),
            files: scanned + (newest.scan.segments_scanned ?? 0),
            files_skipped: Math.max(0, all - scanned),
          },
        }
      : {}),
    ...(req.explain
      ? {
          sql: `-- the newest partitions first\n${plan.sql};\n-- then older ones, for the rest of the page\n${olderPlan.sql}`,
          params: [...plan.params, ...olderPlan.params],
        }
      : {}),
  };
}

function respond(plan: QueryPlan, result: QueryRows, req: QueryRequest, planMs: number): QueryResponse {
  return {
    kind: plan.kind,
    ...result,
    ...scanOf(result),
    ...(req.explain ? { sql: plan.sql, params: plan.params } : {}),
    ...planTime(req, planMs),
  };
}

/** `scan` as it always read (partitions), and `scanned` (rows and every file read). */
function scanOf(result: QueryRows): { scan?: ScanStats; scanned?: Scanned } {
  if (!result.scan) return {};
  const { partitions_scanned, partitions_skipped } = result.scan;
  return { scan: { partitions_scanned, partitions_skipped }, scanned: scannedOf(result.scan) };
}

/** The `scanned` summary of one statement's scan. */
export function scannedOf(scan: ScanStats): Scanned {
  return {
    rows: (scan.partition_rows ?? 0) + (scan.segment_rows ?? 0),
    files: scan.partitions_scanned + (scan.segments_scanned ?? 0),
    files_skipped: scan.partitions_skipped,
  };
}

/**
 * Runs raw SQL. The store runs it as any query: one SELECT, in its engine's sandbox (for DuckDB,
 * src/storage/duckdb/sandbox.ts; docs/security.md), and refuses anything else with a QueryError.
 * The engine failing on the SQL (a missing column, a bad cast) is the SQL's fault too, so it is
 * a QueryError here (HTTP 400) rather than a store failure; a timeout stays a StorageError.
 */
export async function runSql(store: StorageEngine, sql: string, timeoutMs?: number): Promise<QueryResponse> {
  try {
    const result = await store.query({ sql, params: [] }, { maxRows: MAX_ROWS, timeoutMs, rawSql: true });
    return { kind: 'table', ...result, ...scanOf(result) };
  } catch (err) {
    if (isStorageError(err, 'query')) throw new QueryError(err.message, sql, 0);
    throw err;
  }
}
