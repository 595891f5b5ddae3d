/**
 * Queries and stats: a query's view `logs` reads the active table, the unsealed segments and the
 * partitions its range can touch, on a snapshot taken together with those file lists. The files
 * it reads are held until it ends, and it is stopped at its time limit.
 */
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { QUERY_MAX_ROWS, QUERY_TIMEOUT_MS } from '../../core/defaults.js';
import { QueryError, StorageError } from '../../core/errors.js';
import type { QueryOptions, QueryRows, SqlQuery, StoreStats } from '../../core/storage.js';
import { formatMicros } from '../../core/time.js';
import { hold, release } from './leases.js';
import { fileSize, overlaps, type Partition } from './partitions.js';
import { fileHealth } from './quarantine.js';
import { STORED_RAW_COLUMN } from './raw-text.js';
import { readRows } from './rows.js';
import { prepareRead, sandboxRefusal } from './sandbox.js';
import { LOGS_TABLE, PARTITIONS_TABLE } from './schema.js';
import type { GateReader } from './serial.js';
import { type StoreState, withCatalog } from './state.js';
import { closedError, queryFailure } from './store-errors.js';

const STORED_RAW_REF = `"${STORED_RAW_COLUMN}"`;

/** What a query's view reads: the partitions known then, the files it picked, the segments. */
interface ViewLease extends GateReader {
  partitions: Partition[];
  files: string[];
  segments: string[];
  /** Rows in `files` and in `segments`, from the catalog (what a query reports it read). */
  fileRows?: number;
  segmentRows?: number;
}

/**
 * Runs a query over the view `logs`: one SELECT, in a read-only transaction, in the sandbox of
 * sandbox.ts; throws QueryError when the sandbox refuses it.
 */
export async function runQuery(s: StoreState, q: SqlQuery, opts: QueryOptions = {}): Promise<QueryRows> {
  if (s.closed) throw closedError();
  const maxRows = opts.maxRows ?? QUERY_MAX_ROWS;
  const timeoutMs = opts.timeoutMs ?? QUERY_TIMEOUT_MS;
  const ing = opts.ingested;
  const lease: ViewLease = { files: [], segments: [], partitions: [] };
  const started = performance.now();
  const conn = await openView(
    s,
    lease,
    (p) => overlaps(p, opts.range?.fromUs, opts.range?.toUs) && (!ing || p.markerUs > ing.afterUs),
    ing,
    // Only a planned query that searches lines as stored gets the view that shows them.
    opts.rawSql !== true && q.sql.includes(STORED_RAW_REF),
  );
  const timer = setTimeout(() => conn.interrupt(), timeoutMs);
  let ok = false;
  try {
    // Only one SELECT runs; of raw SQL, only one that calls nothing but readers (sandbox.ts).
    const prepared = await prepareRead(conn, q.sql, { checkCalls: opts.rawSql === true });
    let reader: DuckDBResultReader;
    try {
      prepared.bind(q.params);
      reader = await prepared.streamAndReadUntil(maxRows);
    } finally {
      prepared.destroySync();
    }
    const { columns, rows } = readRows(reader, maxRows);
    ok = true;
    return {
      columns,
      rows,
      elapsed_ms: performance.now() - started,
      scan: {
        partitions_scanned: lease.files.length,
        partitions_skipped: lease.partitions.length - lease.files.length,
        partition_rows: lease.fileRows ?? 0,
        segments_scanned: lease.segments.length,
        segment_rows: lease.segmentRows ?? 0,
      },
    };
  } catch (err) {
    if (err instanceof QueryError) throw err;
    const refused = sandboxRefusal(err, q.sql);
    if (refused) throw refused;
    const msg = (err as Error).message ?? String(err);
    if (/interrupt/i.test(msg))
      throw new StorageError(`query took longer than ${timeoutMs} ms and was stopped`, { kind: 'timeout' });
    throw queryFailure(err, q.sql, opts.rawSql === true);
  } finally {
    clearTimeout(timer);
    await closeView(s, conn, lease, ok);
  }
}

/** Counts and time range of the store's rows, and the bytes it takes on disk. */
export async function storeStats(s: StoreState): Promise<StoreStats> {
  if (s.closed) throw closedError();
  // The active table and the segments, through the view queries use (no partition files:
  // their summaries are in the catalog).
  const lease: ViewLease = { files: [], segments: [], partitions: [] };
  const conn = await openView(s, lease, () => false);
  let r: Record<string, unknown>;
  let ok = false;
  try {
    r = readRows(
      await conn.runAndReadAll(
        `SELECT count(*) AS n, epoch_us(min(ts)) AS mn, epoch_us(max(ts)) AS mx, coalesce(sum(strlen(raw) + 1), 0) AS raw FROM ${LOGS_TABLE}`,
      ),
    ).rows[0];
    ok = true;
  } finally {
    await closeView(s, conn, lease, ok);
  }
  const active = Number(r.n);
  let rawBytes = Number(r.raw);
  let minUs = r.mn === null ? Number.POSITIVE_INFINITY : Number(r.mn);
  let maxUs = r.mx === null ? Number.NEGATIVE_INFINITY : Number(r.mx);
  let bytes = s.dir ? fileSize(s.opts.path) + fileSize(`${s.opts.path}.wal`) + s.unsealedBytes : 0;
  let rows = active;
  for (const p of lease.partitions) {
    rows += p.rows;
    rawBytes += p.rawBytes;
    bytes += p.bytes;
    minUs = Math.min(minUs, p.minUs);
    maxUs = Math.max(maxUs, p.maxUs);
  }
  return {
    rows,
    active_rows: active,
    partitions: lease.partitions.length,
    segments: lease.segments.length,
    bytes_on_disk: bytes,
    raw_bytes: rawBytes,
    oldest: Number.isFinite(minUs) ? formatMicros(minUs) : null,
    newest: Number.isFinite(maxUs) ? formatMicros(maxUs) : null,
    ...fileHealth(s.dir, s.skipped),
  };
}

/**
 * A query connection whose view `logs` reads the active table, the unmerged segments and the
 * partitions `pick` keeps. The file lists and the connection's snapshot are taken together, so
 * a seal committing in between cannot hide the rows it moved (gone from the table, its file not
 * listed). The files stay on disk until `closeView`.
 */
function openView(
  s: StoreState,
  lease: ViewLease,
  pick: (p: Partition) => boolean,
  ingested?: { afterUs: number; upToUs: number },
  stored = false,
): Promise<DuckDBConnection> {
  return withCatalog(s, async () => {
    await s.gate.enter(lease);
    lease.partitions = s.partitions;
    const picked = s.partitions.filter(pick);
    lease.files = picked.map((p) => p.file);
    lease.segments = s.segments.map((seg) => seg.file);
    lease.fileRows = picked.reduce((n, p) => n + p.rows, 0);
    lease.segmentRows = s.segments.reduce((n, seg) => n + seg.rows, 0);
    for (const f of lease.files) hold(s.files, f);
    for (const f of lease.segments) hold(s.files, f);
    const dir = s.dir;
    let conn: DuckDBConnection | null = null;
    try {
      conn = await s.views.acquire({
        segments: dir ? lease.segments.map((f) => join(dir, f)) : [],
        partitions: dir ? lease.files.map((f) => join(dir, f)) : [],
        ingested,
        stored,
      });
      // READ ONLY: the engine refuses any write to the database within it.
      await conn.run('BEGIN TRANSACTION READ ONLY');
      // DuckDB fixes a transaction's snapshot when it first reads a table.
      await conn.run(`SELECT count(*) FROM ${PARTITIONS_TABLE}`);
      return conn;
    } catch (err) {
      if (conn !== null) await closeView(s, conn, lease, false);
      else endLease(s, lease);
      throw err;
    }
  });
}

/** Ends what `openView` began; the connection serves the next query unless it failed. */
async function closeView(
  s: StoreState,
  conn: DuckDBConnection,
  lease: ViewLease,
  reusable: boolean,
): Promise<void> {
  const rolledBack = await conn.run('ROLLBACK').then(
    () => true,
    () => false,
  );
  s.views.release(conn, reusable && rolledBack);
  endLease(s, lease);
}

function endLease(s: StoreState, lease: ViewLease): void {
  s.gate.leave(lease);
  for (const f of lease.files) release(s.files, f);
  for (const f of lease.segments) release(s.files, f);
}
