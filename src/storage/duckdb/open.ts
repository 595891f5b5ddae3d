/**
 * Opening a store: the DuckDB instance and its settings, the catalog (offsets, partitions), the
 * segments on disk, and the owner's recovery of what a crash or the previous run left behind.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { COMPACTED_ROW_GROUP } from './compact.js';
import { deferRecovery } from './deferred-recovery.js';
import { dropFile } from './leases.js';
import type { DuckDbStoreOptions } from './options.js';
import { commitFile, fileSize, markerOf, removeOrphans } from './partitions.js';
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
import {
  compactedFile,
  ensureSegmentsDir,
  listSegments,
  OFFSETS_KEY,
  parseSegmentName,
  removeFiles,
  type Segment,
  type SegmentListing,
} from './segments.js';
import { afterSegmentsChanged, bySeq, type StoreState, withCatalog } from './state.js';
import { openError, writeError } from './store-errors.js';

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
    // Nothing is ever fetched from the network: extensions the build lacks stay absent. The WAL
    // is checkpointed into the database file at 256 MB rather than DuckDB's 16 MB: at 10,000-event
    // appends the default checkpointed every few commits, and ingest under `logpipe run` went
    // from 39k to 58k lines/s without it (recovery after a crash replays at most 256 MB).
    const settings: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      checkpoint_threshold: '256MB',
      ...(opts.memoryLimitBytes
        ? { memory_limit: `${Math.floor(opts.memoryLimitBytes / 1024 / 1024)}MiB` }
        : {}),
    };
    instance = await DuckDBInstance.create(
      opts.path,
      opts.readOnly ? { ...settings, access_mode: 'READ_ONLY' } : settings,
    );
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
  if (!opts.readOnly) for (const sql of createSchemaSql()) await writer.run(sql);
  return { instance, writer };
}

/** The owner's open: the catalog and segments, clearing what a crash left. */
export async function loadOwned(s: StoreState): Promise<void> {
  const dir = s.dir!;
  await loadCatalog(s);
  const listing = await segmentListing(s);
  ensureSegmentsDir(dir);
  const removed = removeFiles(dir, listing.stale);
  if (removed > 0)
    s.opts.log?.info(`removed ${removed} segment file(s) already compacted, sealed or unfinished`);
  await takeSegments(s, listing);
  await compactLeftovers(s);
  const orphans = removeOrphans(dir, new Set(s.partitions.map((p) => p.file)));
  if (orphans.length > 0)
    s.opts.log?.warn(`removed ${orphans.length} unfinished partition file(s) left by a crash`);
}

/** A reader's open: the catalog and segments as they are. */
export async function loadRead(s: StoreState): Promise<void> {
  const t = await s.writer.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = '${ACTIVE_TABLE}' AND NOT temporary`,
  );
  // A file created but killed before its schema existed holds nothing yet: answer as empty.
  s.schemaMissing = Number(t.getRowsJson()[0][0]) === 0;
  if (s.schemaMissing) {
    await createTempSchema(s.writer);
    return;
  }
  await loadCatalog(s);
  await takeSegments(s, await segmentListing(s));
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

/** The segment files on disk: those live, and those a compaction or a seal made obsolete. */
async function segmentListing(s: StoreState): Promise<SegmentListing & { mergedSeq: number }> {
  let merged = '';
  const sealed = new Set<string>();
  try {
    const r = await s.writer.runAndReadAll(`SELECT value FROM ${META_TABLE} WHERE key = 'merged_segment'`);
    merged = String(r.getRowsJson()[0]?.[0] ?? '');
    const q = await s.writer.runAndReadAll(
      `SELECT segments FROM ${PARTITIONS_TABLE} WHERE segments IS NOT NULL`,
    );
    for (const [v] of q.getRowsJson()) for (const f of JSON.parse(String(v)) as string[]) sealed.add(f);
  } catch {
    // A store from an older layout (opened read-only) lacks these: nothing merged or sealed.
  }
  const mergedSeq = parseSegmentName(merged)?.first ?? 0;
  return { ...listSegments(s.dir!, sealed, mergedSeq), mergedSeq };
}

/** Picks up the segments a previous run left: their offsets count as committed. */
async function takeSegments(s: StoreState, listing: SegmentListing & { mergedSeq: number }): Promise<void> {
  s.nextSeq = Math.max(listing.mergedSeq, listing.maxSeq) + 1;
  if (listing.live.length === 0) return;
  s.segments = await describeSegments(s, listing.live);
  afterSegmentsChanged(s);
  for (const seg of s.segments) {
    for (const [key, next] of seg.offsets) {
      if (next > (s.committed.get(key) ?? 0)) s.committed.set(key, next);
    }
    s.lastIngestUs = Math.max(s.lastIngestUs, seg.ingestedUs);
  }
}

/** What the engine keeps of segment files, read from the files (over `conn`, default the catalog's). */
async function describeSegments(s: StoreState, files: string[], conn = s.writer): Promise<Segment[]> {
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
  const offsets = new Map<string, number>();
  for (const seg of left)
    for (const [key, next] of seg.offsets) offsets.set(key, Math.max(next, offsets.get(key) ?? 0));
  const windowOf = `CAST(floor(epoch_us(ts) / ${s.partUs}) AS BIGINT)`;
  const files: string[] = [];
  let tmp = '';
  try {
    const w = await conn.runAndReadAll(
      `SELECT DISTINCT ${windowOf} AS w FROM read_parquet([${list}], union_by_name = true) ORDER BY w`,
    );
    const windows = w.getRowsJson().map(([x]) => Number(x));
    for (const [i, win] of windows.entries()) {
      const file = compactedFile(first, last, i + 1, windows.length);
      const final = join(dir, file);
      tmp = `${final}.tmp`;
      await conn.run(
        `COPY (SELECT * FROM ${inLayout(list)} WHERE ${windowOf} = ${win}) TO ${sqlString(tmp)} (FORMAT parquet, ROW_GROUP_SIZE ${COMPACTED_ROW_GROUP}, KV_METADATA {${sqlString(OFFSETS_KEY)}: ${sqlString(JSON.stringify([...offsets]))}})`,
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
