/**
 * Opening a store: the DuckDB instance and its settings, the catalog (offsets, partitions), the
 * segments on disk, and the owner's recovery of what a crash or the previous run left behind.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { COMPACTED_ROW_GROUP } from './compact.js';
import { memoryLimitSetting } from './memory-limit.js';
import type { DuckDbStoreOptions } from './options.js';
import { commitFile, fileSize, markerOf, removeOrphans } from './partitions.js';
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
import { afterSegmentsChanged, bySeq, type StoreState } from './state.js';
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
  // The sandbox closes files outside the store and locks the settings before any query runs.
  await lockDown(writer, memory ? null : dirname(opts.path));
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

/** What the engine keeps of segment files, read from the files. */
async function describeSegments(s: StoreState, files: string[]): Promise<Segment[]> {
  const dir = s.dir!;
  const list = files.map((f) => sqlString(join(dir, f))).join(', ');
  const r = await s.writer.runAndReadAll(
    `SELECT filename, count(*), epoch_us(min(ts)), epoch_us(max(ts)), epoch_us(max(ingested_at)) FROM read_parquet([${list}], filename = true, union_by_name = true) GROUP BY filename`,
  );
  const of = new Map<string, number[]>();
  for (const [name, ...v] of r.getRowsJson()) of.set(String(name), v.map(Number));
  const kv = await s.writer.runAndReadAll(
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
 * memory), with DuckDB: one file per window, as a compaction of this run would write them.
 */
async function compactLeftovers(s: StoreState): Promise<void> {
  const left = s.segments.filter((seg) => !seg.compacted);
  if (left.length === 0) return;
  const dir = s.dir!;
  const first = left[0].first;
  const last = left[left.length - 1].last;
  const list = left.map((seg) => sqlString(join(dir, seg.file))).join(', ');
  const offsets = new Map<string, number>();
  for (const seg of left)
    for (const [key, next] of seg.offsets) offsets.set(key, Math.max(next, offsets.get(key) ?? 0));
  const windowOf = `CAST(floor(epoch_us(ts) / ${s.partUs}) AS BIGINT)`;
  try {
    const w = await s.writer.runAndReadAll(
      `SELECT DISTINCT ${windowOf} AS w FROM read_parquet([${list}], union_by_name = true) ORDER BY w`,
    );
    const windows = w.getRowsJson().map(([x]) => Number(x));
    const files: string[] = [];
    for (const [i, win] of windows.entries()) {
      const file = compactedFile(first, last, i + 1, windows.length);
      const final = join(dir, file);
      const tmp = `${final}.tmp`;
      await s.writer.run(
        `COPY (SELECT * FROM ${inLayout(list)} WHERE ${windowOf} = ${win}) TO ${sqlString(tmp)} (FORMAT parquet, ROW_GROUP_SIZE ${COMPACTED_ROW_GROUP}, KV_METADATA {${sqlString(OFFSETS_KEY)}: ${sqlString(JSON.stringify([...offsets]))}})`,
      );
      commitFile(tmp, final);
      files.push(file);
    }
    const compacted = await describeSegments(s, files);
    s.segments = [...s.segments.filter((seg) => seg.compacted), ...compacted].sort(bySeq);
    afterSegmentsChanged(s);
    removeFiles(
      dir,
      left.map((seg) => seg.file),
    );
    s.opts.log?.info(`compacted ${left.length} segment file(s) left by the previous run`);
  } catch (err) {
    // They stay as they are: queries read them, and the next start tries again.
    s.opts.log?.warn(`compacting segments left by the previous run failed: ${(err as Error).message}`);
  }
}
