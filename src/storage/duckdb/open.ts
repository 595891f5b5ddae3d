/**
 * Opening a store: the DuckDB instance and its settings (a lost or unreadable catalog set aside
 * and rebuilt), the catalog (offsets, partitions), the segments on disk, and the recovery of
 * what a crash, the previous run or damage left behind (recovery.ts).
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { catalogSchemaSql, replaceSegmentFiles, SEGMENT_FILES_TABLE } from './catalog.js';
import { CATALOG_TABLE, catalogViews, ensureCatalogSchema } from './catalog-layout.js';
import { COMPACTED_ROW_GROUP } from './compact.js';
import { deferRecovery } from './deferred-recovery.js';
import { duckdb } from './duckdb-api.js';
import { dropFile } from './leases.js';
import { memoryLimitSetting } from './memory-limit.js';
import type { DuckDbStoreOptions } from './options.js';
import { commitFile, fileSize, markerOf } from './partitions.js';
import { quarantineFile } from './quarantine.js';
import { recoverFiles, segmentsKey } from './recovery.js';
import { INSTANCE_SETTINGS, lockDown } from './sandbox.js';
import {
  ACTIVE_TABLE,
  createSchemaSql,
  createTempSchema,
  inLayout,
  META_TABLE,
  OFFSETS_TABLE,
  PARTITIONS_TABLE,
  sqlString,
} from './schema.js';
import { sealCutoffUs } from './seal.js';
import {
  compactedFile,
  ensureSegmentsDir,
  OFFSETS_KEY,
  parseSegmentName,
  removeFiles,
  type Segment,
  type SegmentListing,
} from './segments.js';
import { afterSegmentsChanged, bySeq, furthestOffsets, type StoreState, withCatalog } from './state.js';
import { openError, writeError } from './store-errors.js';

/** Block size of a new catalog file (bytes, as DuckDB's setting takes it). */
export const CATALOG_BLOCK_SIZE = '16384';

/** Opens (creating when missing) the database, with the settings every store runs under. */
export async function openInstance(
  opts: DuckDbStoreOptions,
): Promise<{ instance: DuckDBInstance; writer: DuckDBConnection }> {
  const memory = opts.path === ':memory:';
  if (!memory && !opts.readOnly) {
    try {
      mkdirSync(dirname(opts.path), { recursive: true });
    } catch (err) {
      throw writeError('creating the store', opts.path, err);
    }
  }
  let instance: DuckDBInstance;
  try {
    // Nothing is ever fetched from the network: extensions the build lacks stay absent (and the
    // rest of the sandbox follows, sandbox.ts). The WAL is checkpointed into the database file
    // at 256 MB rather than DuckDB's 16 MB: at 10,000-event appends the default checkpointed
    // every few commits, and ingest under `logpipe run` went from 39k to 58k lines/s without it
    // (recovery after a crash replays at most 256 MB).
    const settings: Record<string, string> = {
      ...INSTANCE_SETTINGS,
      checkpoint_threshold: '256MB',
      ...memoryLimitSetting(opts),
    };
    instance = await openCatalog(opts, settings);
  } catch (err) {
    throw openError(opts.path, err);
  }
  const writer = await instance.connect();
  // Footers of the Parquet files are cached: the files are never rewritten in place (each write
  // is a new name, renamed into place), DuckDB still checks a file's modification time against
  // its entry, and the cache is evicted under the memory limit. A count(*) over the finished
  // 1M-line store went from 28 to 18 ms of CPU with it. (A setting of the parquet extension,
  // which must be loaded before it can be set.)
  await writer.run('LOAD parquet');
  await writer.run('SET GLOBAL parquet_metadata_cache = true');
  // The sandbox closes files outside the store and locks the settings before any query runs.
  await lockDown(writer, memory ? null : dirname(opts.path));
  if (!opts.readOnly) await ensureCatalogSchema(writer, memory);
  await catalogViews(writer);
  return { instance, writer };
}

/**
 * The database of `opts.path`. The catalog is an index of the data files: when it is gone or
 * unreadable while they are there, the owner sets what is left of it aside (quarantine.ts) and
 * makes a new one, which recovery.ts fills from the files; a reader makes one in memory.
 */
async function openCatalog(
  opts: DuckDbStoreOptions,
  settings: Record<string, string>,
): Promise<DuckDBInstance> {
  if (opts.path === ':memory:') return createInstance(opts.path, settings, false);
  const dir = dirname(opts.path);
  const name = basename(opts.path);
  if (!existsSync(opts.path) && holdsDataFiles(dir)) {
    opts.log?.warn(
      `no catalog at ${opts.path}: ${opts.readOnly ? 'reading' : 'rebuilding it from'} the data files beside it`,
    );
    if (opts.readOnly) return memoryCatalog(settings);
    // A WAL left without its database belongs to the lost catalog, not to the one made now.
    if (existsSync(`${opts.path}.wal`))
      quarantineFile(dir, `${name}.wal`, 'catalog', 'a WAL whose database file was gone');
    return createInstance(opts.path, settings, false);
  }
  try {
    return await createInstance(opts.path, settings, opts.readOnly);
  } catch (err) {
    if (!unreadableCatalog(err)) throw err;
    const why = (err as Error).message.split('\n')[0];
    if (opts.readOnly) {
      opts.log?.warn(`the catalog ${opts.path} cannot be read (${why}): reading the data files without it`);
      return memoryCatalog(settings);
    }
    const moved = quarantineFile(dir, name, 'catalog', why);
    if (existsSync(`${opts.path}.wal`)) quarantineFile(dir, `${name}.wal`, 'catalog', why);
    opts.log?.warn(
      `the catalog ${opts.path} cannot be read (${why}): moved to ${moved}; rebuilding it from the data files`,
    );
    return createInstance(opts.path, settings, false);
  }
}

/** A reader's catalog in memory, with the schema, for recovery.ts to fill from the files. */
async function memoryCatalog(settings: Record<string, string>): Promise<DuckDBInstance> {
  const instance = await createInstance(':memory:', settings, false);
  const conn = await instance.connect();
  try {
    for (const sql of [...createSchemaSql(), ...catalogSchemaSql()]) await conn.run(sql);
  } finally {
    conn.closeSync();
  }
  return instance;
}

/**
 * Opens the database file and reads its catalog tables once, so a file DuckDB opens but whose
 * blocks are corrupt fails here, where it can be set aside, rather than at the first query.
 */
async function createInstance(
  path: string,
  settings: Record<string, string>,
  readOnly: boolean | undefined,
): Promise<DuckDBInstance> {
  const options: Record<string, string> = readOnly
    ? { ...settings, access_mode: 'READ_ONLY' }
    : { ...settings };
  // A new catalog file takes 16 KB blocks instead of DuckDB's 256 KB: every table holding rows
  // takes at least a block per column group, and an empty store's catalog went from 798,720 to
  // 208,896 bytes with the old schema. A file keeps the block size it was made with, so older
  // stores open as they are.
  if (path !== ':memory:' && !readOnly && !existsSync(path)) options.default_block_size = CATALOG_BLOCK_SIZE;
  const instance = await duckdb.DuckDBInstance.create(path, options);
  try {
    const conn = await instance.connect();
    try {
      const tables = await conn.runAndReadAll(
        `SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND table_name IN ('${CATALOG_TABLE}', '${PARTITIONS_TABLE}', '${OFFSETS_TABLE}', '${META_TABLE}', '${SEGMENT_FILES_TABLE}')`,
      );
      // Every column of every row (they are small), in one statement.
      const reads = tables.getRowsJson().map(([t]) => `(SELECT max(hash(x)) FROM ${String(t)} x)`);
      if (reads.length > 0) await conn.run(`SELECT ${reads.join(', ')}`);
    } finally {
      conn.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    throw err;
  }
  return instance;
}

/** DuckDB's words for a database file (or its WAL) it cannot read; never a lock held by another process. */
function unreadableCatalog(err: unknown): boolean {
  const msg = (err as Error).message ?? String(err);
  if (/Could not set lock|Conflicting lock|Permission denied|Read-only file system|does not exist/i.test(msg))
    return false;
  return /not a valid DuckDB database file|Corrupt database file|Corrupt WAL|replaying WAL|Could not read enough bytes|checksum|Serialization Error/i.test(
    msg,
  );
}

/** Whether the store directory holds partition or segment files. */
function holdsDataFiles(dir: string): boolean {
  for (const sub of ['parts', 'segments']) {
    try {
      if (readdirSync(join(dir, sub)).length > 0) return true;
    } catch {
      // Not there.
    }
  }
  return false;
}

/**
 * The owner's open: the catalog, made to agree with the files (recovery.ts: adopting partition
 * files it does not list, quarantining what cannot be placed, clearing what a crash left), then
 * the segments of the previous run compacted, and the segment files recorded as expected.
 */
export async function loadOwned(s: StoreState): Promise<void> {
  const dir = s.dir!;
  await loadCatalog(s);
  ensureSegmentsDir(dir);
  const { listing, segments } = await recoverFiles(s, true, describeSegments);
  const removed = removeFiles(dir, listing.stale);
  if (removed > 0)
    s.opts.log?.info(`cleared ${removed} segment file(s) the previous run had compacted, sealed or begun`);
  takeSegments(s, listing, segments);
  await compactLeftovers(s);
  await recordSegments(s);
}

/** A reader's open: the catalog and segments as they are, leaving out what cannot be read. */
export async function loadRead(s: StoreState): Promise<void> {
  const t = await s.writer.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('${ACTIVE_TABLE}', '${CATALOG_TABLE}') AND NOT temporary`,
  );
  // A file created but killed before its schema existed holds nothing yet: answer as empty.
  s.schemaMissing = Number(t.getRowsJson()[0][0]) === 0;
  if (s.schemaMissing) {
    await createTempSchema(s.writer);
    return;
  }
  await loadCatalog(s);
  const { listing, segments } = await recoverFiles(s, false, describeSegments);
  takeSegments(s, listing, segments);
}

/** Records the segment files on disk now as those the next open expects (see catalog.ts). */
export async function recordSegments(s: StoreState): Promise<void> {
  await withCatalog(s, async () => {
    const key = segmentsKey(s.segments);
    if (key === s.recordedSegments) return;
    await s.writer.run('BEGIN TRANSACTION');
    try {
      await replaceSegmentFiles(s.writer, s.segments);
      await s.writer.run('COMMIT');
      s.recordedSegments = key;
    } catch (err) {
      await s.writer.run('ROLLBACK').catch(() => {});
      s.opts.log?.warn(`recording the segment files failed: ${(err as Error).message.split('\n')[0]}`);
    }
  });
}

/** Loads offsets and the partition catalog. */
export async function loadCatalog(s: StoreState): Promise<void> {
  const offsets = await s.writer.runAndReadAll(
    `SELECT source, generation, next_offset FROM ${OFFSETS_TABLE}`,
  );
  for (const [source, generation, next] of offsets.getRowsJson()) {
    s.committed.set(`${source}\0${generation}`, Number(next));
  }
  const parts = await s.writer.runAndReadAll(
    `SELECT file, epoch_us(min_ts), epoch_us(max_ts), rows, bytes, raw_bytes FROM ${PARTITIONS_TABLE} ORDER BY min_ts`,
  );
  s.partitions = parts.getRowsJson().map(([file, mn, mx, rows, bytes, raw]) => ({
    file: String(file),
    minUs: Number(mn),
    maxUs: Number(mx),
    rows: Number(rows),
    bytes: Number(bytes),
    rawBytes: Number(raw),
    markerUs: markerOf(String(file)),
  }));
  const last = await s.writer.runAndReadAll(`SELECT epoch_us(max(ingested_at)) FROM ${ACTIVE_TABLE}`);
  s.tableIngestUs = Number(last.getRowsJson()[0]?.[0] ?? 0);
  // Stamps go on increasing across restarts, whatever has been sealed since.
  s.lastIngestUs = Math.max(s.tableIngestUs, 0, ...s.partitions.map((p) => p.markerUs));
}

/** Picks up the segments a previous run left: their offsets count as committed. */
function takeSegments(
  s: StoreState,
  listing: SegmentListing & { mergedSeq: number },
  segments: Segment[],
): void {
  s.nextSeq = Math.max(listing.mergedSeq, listing.maxSeq) + 1;
  if (segments.length === 0) return;
  s.segments = segments;
  afterSegmentsChanged(s);
  for (const seg of s.segments) {
    for (const [key, next] of seg.offsets) {
      if (next > (s.committed.get(key) ?? 0)) s.committed.set(key, next);
    }
    s.lastIngestUs = Math.max(s.lastIngestUs, seg.ingestedUs);
  }
}

/** What the engine keeps of segment files, read from the files (over `conn`, default the catalog's). */
export async function describeSegments(
  s: StoreState,
  files: string[],
  conn: DuckDBConnection = s.writer,
): Promise<Segment[]> {
  const dir = s.dir!;
  const list = files.map((f) => sqlString(join(dir, f))).join(', ');
  const r = await conn.runAndReadAll(
    `SELECT filename, count(*), epoch_us(min(ts)), epoch_us(max(ts)), epoch_us(max(ingested_at)) FROM read_parquet([${list}], filename = true, union_by_name = true) GROUP BY filename`,
  );
  const of = new Map<string, number[]>();
  for (const [name, ...v] of r.getRowsJson()) of.set(String(name), v.map(Number));
  const kv = await conn.runAndReadAll(
    `SELECT file_name, decode(value) FROM parquet_kv_metadata([${list}]) WHERE decode(key) = '${OFFSETS_KEY}'`,
  );
  const offsetsOf = new Map<string, [string, number][]>();
  for (const [name, value] of kv.getRowsJson()) offsetsOf.set(String(name), JSON.parse(String(value)));
  return files.map((file) => {
    const full = join(dir, file);
    const name = parseSegmentName(file)!;
    const [rows, minUs, maxUs, ingestedUs] = of.get(full) ?? [0, 0, 0, 0];
    return {
      file,
      first: name.first,
      last: name.last,
      compacted: name.compacted,
      rows,
      bytes: fileSize(full),
      minUs,
      maxUs,
      ingestedUs,
      offsets: offsetsOf.get(full) ?? [],
    };
  });
}

/**
 * Compacts the appended segments a previous run had not compacted yet (their rows were in its
 * memory), with DuckDB: one file per window, as a compaction of this run would write them. When
 * that cannot be written (a full disk), the store opens without it: queries read those files as
 * they are, and the work is tried again while the store runs (deferred-recovery.ts).
 */
async function compactLeftovers(s: StoreState): Promise<void> {
  const left = s.segments.filter((seg) => !seg.compacted);
  if (left.length === 0) return;
  let compacted: Segment[];
  try {
    compacted = await writeLeftovers(s, s.writer, left);
  } catch (err) {
    const what = `compacting ${left.length} segment file(s) left by the previous run`;
    deferRecovery(s, what, writeError(what, s.opts.path, err), () => compactLeftoversLater(s, left));
    return;
  }
  replaceLeftovers(s, left, compacted);
  removeFiles(
    s.dir!,
    left.map((seg) => seg.file),
  );
  s.opts.log?.info(`compacted ${left.length} segment file(s) left by the previous run`);
}

/**
 * The same, put off until the store runs: over a connection of its own, the lists changed as
 * queries allow, the appended files dropped once no query reads them.
 */
async function compactLeftoversLater(s: StoreState, left: Segment[]): Promise<void> {
  const still = left.filter((seg) => s.segments.includes(seg));
  if (still.length === 0 || s.closed) return;
  const conn = await s.instance.connect();
  try {
    const compacted = await writeLeftovers(s, conn, still);
    await withCatalog(s, async () => replaceLeftovers(s, still, compacted));
  } finally {
    conn.closeSync();
  }
  for (const seg of still) dropFile(s.files, seg.file);
}

/** Lists the compacted files in place of the appended ones they hold. */
function replaceLeftovers(s: StoreState, left: Segment[], compacted: Segment[]): void {
  const gone = new Set(left);
  s.segments = [...s.segments.filter((seg) => !gone.has(seg)), ...compacted].sort(bySeq);
  afterSegmentsChanged(s);
}

/**
 * Writes appended segments again as compacted files, one per window, and describes them. On a
 * failure what was written is removed (on a full disk the next try needs that room) and the
 * error thrown: the appended files still hold the rows.
 */
async function writeLeftovers(s: StoreState, conn: DuckDBConnection, left: Segment[]): Promise<Segment[]> {
  const dir = s.dir!;
  const first = left[0].first;
  const last = left[left.length - 1].last;
  const list = left.map((seg) => sqlString(join(dir, seg.file))).join(', ');
  const offsets = furthestOffsets(left.map((seg) => seg.offsets));
  // As compaction.ts groups them: windows ended before the seal cutoff together (NULL), the rest by window.
  const coldBelow = Math.floor(sealCutoffUs(s) / s.partUs);
  const windowOf = `CASE WHEN floor(epoch_us(ts) / ${s.partUs}) < ${coldBelow} THEN NULL ELSE CAST(floor(epoch_us(ts) / ${s.partUs}) AS BIGINT) END`;
  const files: string[] = [];
  let tmp = '';
  try {
    const w = await conn.runAndReadAll(
      `SELECT DISTINCT ${windowOf} AS w FROM read_parquet([${list}], union_by_name = true) ORDER BY w NULLS FIRST`,
    );
    const windows = w.getRowsJson().map(([x]) => (x === null ? null : Number(x)));
    for (const [i, win] of windows.entries()) {
      const file = compactedFile(first, last, i + 1, windows.length);
      const final = join(dir, file);
      tmp = `${final}.tmp`;
      await conn.run(
        `COPY (SELECT * FROM ${inLayout(list)} WHERE ${windowOf} IS NOT DISTINCT FROM ${win === null ? 'NULL' : win}) TO ${sqlString(tmp)} (FORMAT parquet, ROW_GROUP_SIZE ${COMPACTED_ROW_GROUP}, KV_METADATA {${sqlString(OFFSETS_KEY)}: ${sqlString(JSON.stringify([...offsets]))}})`,
      );
      commitFile(tmp, final);
      files.push(file);
    }
    return await describeSegments(s, files, conn);
  } catch (err) {
    if (tmp) rmSync(tmp, { force: true });
    for (const f of files) rmSync(join(dir, f), { force: true });
    throw err;
  }
}
