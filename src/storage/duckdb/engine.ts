/**
 * The embedded store on DuckDB. One process owns the store. Each appended batch becomes a segment
 * file (see segments.ts) carrying the per-source committed offsets, so a batch re-sent after a
 * crash is recognised and skipped (exactly once). The rows of many appends are written again as
 * compacted segments, one per time window, from memory; finished windows (and, under heavy
 * ingest, the oldest unsealed rows) are sealed from those files straight into zstd Parquet
 * partitions. DuckDB's tables hold only the catalog: rows never go through its insert path.
 * Retention removes the oldest partitions, and queries read the segments and the partitions
 * their time range can touch, alongside ingest. In-memory stores keep rows in a DuckDB table.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Dialect } from '../../core/dialect.js';
import { StorageError } from '../../core/errors.js';
import type { LogEvent, RawEvent } from '../../core/events.js';
import type { Logger } from '../../core/log.js';
import type {
  AppendResult,
  EncodedEvents,
  MaintenanceReport,
  QueryOptions,
  QueryRows,
  SqlQuery,
  StorageEngine,
  StoreStats,
  WriteBatch,
} from '../../core/storage.js';
import { formatMicros } from '../../core/time.js';
import { type ColumnBuffers, columnCapacity, keepRows } from '../parquet/column-buffers.js';
import { assembleFile, encodeRowGroups, type ParquetPieces, parquetFile } from '../parquet/writer.js';
import { addRawEvents } from '../rows/access-rows.js';
import {
  addEvents,
  appendRows,
  type EncodedRows,
  type EventRows,
  eventRows,
  newRows,
  resetEventRows,
  SEGMENT_ENCODING,
  SEGMENT_SCHEMA,
  setIngested,
} from '../rows/event-columns.js';
import {
  addPending,
  chunksSummary,
  type PendingChunk,
  type PendingSet,
  pendingSet,
  rowsSummary,
} from './compaction.js';
import { duckdbDialect } from './dialect.js';
import { appendEvents } from './event-chunks.js';
import {
  commitFile,
  ensureDir,
  fileSize,
  markerOf,
  overlaps,
  type Partition,
  partitionFile,
  removeOrphans,
} from './partitions.js';
import { type QueryViews, queryViews } from './query-views.js';
import { rawBytesSql } from './raw-text.js';
import { readRows } from './rows.js';
import {
  ACTIVE_TABLE,
  createSchemaSql,
  emptyLayoutSql,
  LOGS_TABLE,
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
  segmentFile,
  writeSegment,
} from './segments.js';

export interface RetentionOptions {
  /** Events older than this are removed. */
  maxAgeMs?: number;
  /** The oldest partitions are removed while the store is larger than this. */
  maxBytes?: number;
}

export interface DuckDbStoreOptions {
  /** Database file, or `:memory:` (no partitions then). */
  path: string;
  /** Open without taking the write lock (fails while another process owns the file). */
  readOnly?: boolean;
  /** DuckDB's memory limit in bytes (caches and query work; beyond it, work spills to disk). */
  memoryLimitBytes?: number;
  /** Width of a time partition; default one hour. */
  partitionMs?: number;
  /** A window is sealed once it ended this long ago, leaving late events time to arrive; default 5 min. */
  sealAfterMs?: number;
  retention?: RetentionOptions;
  /** Runs maintenance (sealing, retention) this often; off when absent. */
  maintenanceIntervalMs?: number;
  /** When segments are compacted and sealed early; the defaults suit most stores (see COMPACTION_DEFAULTS). */
  compaction?: Partial<CompactionOptions>;
  /** The clock, epoch ms (tests move it). */
  now?: () => number;
  log?: Logger;
}

const DEFAULT_MAX_ROWS = 10_000;
/**
 * When appended segments are compacted, and when unsealed rows are sealed before their window
 * ends. Compacting keeps the number of files queries open small (one per window every few
 * seconds under load, instead of one per append); it copies bytes already encoded, so it costs
 * little. Sealing is where DuckDB pays its per-row cost (sorting and zstd), once per row.
 */
export interface CompactionOptions {
  /** Compact once the rows waiting in memory take this many bytes. */
  bytes: number;
  /** Compact once the oldest row waiting is this old. */
  ageMs: number;
  /** Compact once no append came for this long. */
  idleMs: number;
  /** Seal the oldest window's compacted rows early once unsealed segments take this many bytes. */
  sealBytes: number;
  /** Appends wait for that seal while unsealed segments take this many bytes. */
  maxBytes: number;
  /** Rows of at most this many bytes (as segments) go into one partition file. */
  partitionBytes: number;
}

/** Compaction and early sealing for a store that is not told otherwise. */
export const COMPACTION_DEFAULTS: CompactionOptions = {
  bytes: 32 * 1024 * 1024,
  ageMs: 30_000,
  idleMs: 1_000,
  sealBytes: 1024 * 1024 * 1024,
  maxBytes: 2 * 1024 * 1024 * 1024,
  partitionBytes: 512 * 1024 * 1024,
};
/** Rows per row group of a compacted segment: DuckDB's own default, so scans split the same way. */
const COMPACTED_ROW_GROUP = 122_880;
// Files of an older layout lack the newer columns, which `union_by_name` reads as nulls.
const EMPTY_LAYOUT_SQL = emptyLayoutSql();

/** Segment files (a SQL list) read in today's layout: columns an older file lacks are nulls. */
function inLayout(list: string): string {
  return `(SELECT * FROM (${EMPTY_LAYOUT_SQL}) UNION ALL BY NAME SELECT * FROM read_parquet([${list}], union_by_name = true))`;
}
/**
 * How partitions are written. Parquet v2 encodings delta-pack the near-monotonic `ts` and
 * `offset` columns: with v1's PLAIN pages they took a third of a partition's bytes.
 */
const PARTITION_FORMAT =
  'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 9, PARQUET_VERSION V2, ROW_GROUP_SIZE 122880';
const DEFAULT_TIMEOUT_MS = 30_000;
const HOUR_MS = 3_600_000;

/** Opens (creating when missing) a DuckDB store. */
export async function openDuckDbStore(opts: DuckDbStoreOptions): Promise<DuckDbStore> {
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
  const store = new DuckDbStore(instance, writer, opts);
  await store.init();
  return store;
}

function openError(path: string, err: unknown): StorageError {
  const msg = (err as Error).message ?? String(err);
  if (/lock/i.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    return new StorageError(
      `the store ${path} is in use by another process${pid ? ` (pid ${pid})` : ''}; query it through that process's API`,
      { cause: err },
    );
  }
  if (/No such file|does not exist|Cannot open/i.test(msg)) {
    return new StorageError(`no store at ${path}: nothing has been stored there yet`, { cause: err });
  }
  if (/Read-only file system|Permission denied|EACCES|EROFS/i.test(msg)) {
    return new StorageError(`cannot write the store ${path}: ${msg.split('\n')[0]}`, { cause: err });
  }
  return new StorageError(`cannot open the store ${path}: ${msg.split('\n')[0]}`, { cause: err });
}

type OffsetKey = string;

/** What a batch from `batch()` holds: encoded rows for segment stores, events for in-memory ones. */
interface BatchContent {
  rows: EventRows | null;
  events: LogEvent[] | null;
  spent: boolean;
  /** The rows' columns went on to wait for compaction as they are: not to be reused. */
  kept?: boolean;
}

/** Encoded batches kept for reuse once appended, so their buffers are allocated once. */
const SPARE_BATCHES = 4;

/** What a query's view reads: the partitions known then, the files it picked, the segments. */
interface ViewLease {
  partitions: Partition[];
  files: string[];
  segments: string[];
  /** Counted among the readers that row-moving commits wait for. */
  reading?: boolean;
}

export class DuckDbStore implements StorageEngine {
  readonly dialect: Dialect = duckdbDialect;
  /** Next offset not yet stored, per `source \0 generation`; the store is the only writer. */
  private readonly committed = new Map<OffsetKey, number>();
  /** Writes (appends, seal commits, removals) run one at a time, in arrival order. */
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Sealed partitions, oldest first. */
  private partitions: Partition[] = [];
  /** Ingest stamp of the last append, strictly increasing: sealing moves rows stamped up to a marker. */
  private lastIngestUs = 0;
  /** Partition files being read by running queries, so retention does not pull them away. */
  private readonly inUse = new Map<string, number>();
  private readonly unlinkLater = new Set<string>();
  /** Files being unlinked now, and who waits for one to be gone. */
  private readonly unlinking = new Map<string, Promise<void>>();
  private unlinked: (() => void)[] = [];
  private maintaining: Promise<MaintenanceReport> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly storeDir: string | null;
  private readonly now: () => number;
  /** Read-only open of a file with no tables yet. */
  private schemaMissing = false;
  /** Unsealed segment files, appended and compacted, in sequence order. */
  private segments: Segment[] = [];
  /** Bytes of the segment files in `segments`. */
  private unsealedBytes = 0;
  /** When the last segment was appended (monotonic ms), for compacting once ingest pauses. */
  private lastAppendAt = 0;
  private compactTimer: NodeJS.Timeout | null = null;
  /** Sequence number of the next appended segment; above every one a name on disk carries. */
  private nextSeq = 1;
  /** Highest ingest stamp among rows in the active table: sealing moves rows up to it. */
  private tableIngestUs = 0;
  /** Seals and retention run one at a time, beside appends and compactions. */
  private background: Promise<unknown> = Promise.resolve();
  /** Rows appended since the last compaction, in memory. */
  private pending: PendingSet = pendingSet();
  /** Sets taken from `pending` whose compaction has not succeeded yet, oldest first. */
  private readonly toCompact: PendingSet[] = [];
  private compacting: Promise<void> | null = null;
  /** Column buffers of compacted sets, kept for the next batches, and the bytes they hold. */
  private readonly columnsPool: ColumnBuffers[] = [];
  private pooledBytes = 0;
  private sealingEarly: Promise<void> | null = null;

  private readonly batches = new WeakMap<WriteBatch, BatchContent>();
  private readonly spareRows: EventRows[] = [];
  /** Serialises a query's list-and-snapshot step with seal and removal commits (see withCatalog). */
  private catalog: Promise<unknown> = Promise.resolve();
  /** Queries between openView and closeView; commits that move rows wait until there are none. */
  private readers = 0;
  private drained: (() => void)[] = [];
  /** Set while such a commit waits or runs: new queries wait for it. */
  private commitGate: Promise<void> | null = null;
  private readonly compaction: CompactionOptions;
  private readonly partUs: number;
  /** Query connections with their view `logs` made, kept between queries. */
  private readonly views: QueryViews;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly opts: DuckDbStoreOptions,
  ) {
    this.storeDir = opts.path === ':memory:' ? null : dirname(opts.path);
    this.now = opts.now ?? Date.now;
    this.compaction = { ...COMPACTION_DEFAULTS, ...opts.compaction };
    this.partUs = (opts.partitionMs ?? HOUR_MS) * 1000;
    this.views = queryViews(instance, async (conn) => {
      if (this.schemaMissing) await this.createTempSchema(conn);
    });
  }

  /** Loads offsets and the partition catalog; the owner also clears orphans left by a crash. */
  async init(): Promise<void> {
    if (this.opts.readOnly) {
      const t = await this.writer.runAndReadAll(
        `SELECT count(*) FROM duckdb_tables() WHERE table_name = '${ACTIVE_TABLE}' AND NOT temporary`,
      );
      // A file created but killed before its schema existed holds nothing yet: answer as empty.
      this.schemaMissing = Number(t.getRowsJson()[0][0]) === 0;
      if (this.schemaMissing) {
        await this.createTempSchema(this.writer);
        return;
      }
    }
    const offsets = await this.writer.runAndReadAll(
      `SELECT source, generation, next_offset FROM ${OFFSETS_TABLE}`,
    );
    for (const [source, generation, next] of offsets.getRowsJson()) {
      this.committed.set(`${source}\0${generation}`, Number(next));
    }
    const parts = await this.writer.runAndReadAll(
      `SELECT file, epoch_us(min_ts), epoch_us(max_ts), rows, bytes, raw_bytes FROM ${PARTITIONS_TABLE} ORDER BY min_ts`,
    );
    this.partitions = parts.getRowsJson().map(([file, mn, mx, rows, bytes, raw]) => ({
      file: String(file),
      minUs: Number(mn),
      maxUs: Number(mx),
      rows: Number(rows),
      bytes: Number(bytes),
      rawBytes: Number(raw),
      markerUs: markerOf(String(file)),
    }));
    const last = await this.writer.runAndReadAll(`SELECT epoch_us(max(ingested_at)) FROM ${ACTIVE_TABLE}`);
    this.tableIngestUs = Number(last.getRowsJson()[0]?.[0] ?? 0);
    // Stamps go on increasing across restarts, whatever has been sealed since.
    this.lastIngestUs = Math.max(this.tableIngestUs, 0, ...this.partitions.map((p) => p.markerUs));
    if (this.storeDir) await this.loadSegments();
    if (this.storeDir && !this.opts.readOnly) {
      this.compactTimer = setInterval(
        () => {
          if (this.compactionDue()) this.compactInBackground();
        },
        Math.max(10, Math.min(this.compaction.idleMs, this.compaction.ageMs) / 2),
      );
      this.compactTimer.unref();
    }
    if (!this.opts.readOnly && this.storeDir) {
      const orphans = removeOrphans(this.storeDir, new Set(this.partitions.map((p) => p.file)));
      if (orphans.length > 0)
        this.opts.log?.warn(`removed ${orphans.length} unfinished partition file(s) left by a crash`);
    }
    if (!this.opts.readOnly && this.opts.maintenanceIntervalMs) {
      this.timer = setInterval(() => {
        this.maintain().catch((err) =>
          this.opts.log?.warn(`store maintenance failed: ${(err as Error).message}`),
        );
      }, this.opts.maintenanceIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Picks up the segments a previous run left: their offsets count as committed. The owner
   * first deletes temp files and files made obsolete by a compaction or a seal, then compacts
   * appended segments whose rows the previous run held in memory only.
   */
  private async loadSegments(): Promise<void> {
    const dir = this.storeDir!;
    let merged = '';
    const sealed = new Set<string>();
    try {
      const r = await this.writer.runAndReadAll(
        `SELECT value FROM ${META_TABLE} WHERE key = 'merged_segment'`,
      );
      merged = String(r.getRowsJson()[0]?.[0] ?? '');
      const s = await this.writer.runAndReadAll(
        `SELECT segments FROM ${PARTITIONS_TABLE} WHERE segments IS NOT NULL`,
      );
      for (const [v] of s.getRowsJson()) for (const f of JSON.parse(String(v)) as string[]) sealed.add(f);
    } catch {
      // A store from an older layout (opened read-only) lacks these: nothing merged or sealed.
    }
    const mergedSeq = parseSegmentName(merged)?.first ?? 0;
    const listing = listSegments(dir, sealed, mergedSeq);
    if (!this.opts.readOnly) {
      ensureSegmentsDir(dir);
      const removed = removeFiles(dir, listing.stale);
      if (removed > 0)
        this.opts.log?.info(`removed ${removed} segment file(s) already compacted, sealed or unfinished`);
    }
    this.nextSeq = Math.max(mergedSeq, listing.maxSeq) + 1;
    if (listing.live.length === 0) return;
    this.segments = await this.describeSegments(listing.live);
    this.afterSegmentsChanged();
    for (const seg of this.segments) {
      for (const [key, next] of seg.offsets) {
        if (next > (this.committed.get(key) ?? 0)) this.committed.set(key, next);
      }
      this.lastIngestUs = Math.max(this.lastIngestUs, seg.ingestedUs);
    }
    if (!this.opts.readOnly) await this.compactLeftovers();
  }

  /** What the engine keeps of segment files, read from the files. */
  private async describeSegments(files: string[]): Promise<Segment[]> {
    const dir = this.storeDir!;
    const list = files.map((f) => sqlString(join(dir, f))).join(', ');
    const r = await this.writer.runAndReadAll(
      `SELECT filename, count(*), epoch_us(min(ts)), epoch_us(max(ts)), epoch_us(max(ingested_at)) FROM read_parquet([${list}], filename = true, union_by_name = true) GROUP BY filename`,
    );
    const of = new Map<string, number[]>();
    for (const [name, ...v] of r.getRowsJson()) of.set(String(name), v.map(Number));
    const kv = await this.writer.runAndReadAll(
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
  private async compactLeftovers(): Promise<void> {
    const left = this.segments.filter((s) => !s.compacted);
    if (left.length === 0) return;
    const dir = this.storeDir!;
    const first = left[0].first;
    const last = left[left.length - 1].last;
    const list = left.map((s) => sqlString(join(dir, s.file))).join(', ');
    const offsets = new Map<string, number>();
    for (const seg of left)
      for (const [key, next] of seg.offsets) offsets.set(key, Math.max(next, offsets.get(key) ?? 0));
    const windowOf = `CAST(floor(epoch_us(ts) / ${this.partUs}) AS BIGINT)`;
    try {
      const w = await this.writer.runAndReadAll(
        `SELECT DISTINCT ${windowOf} AS w FROM read_parquet([${list}], union_by_name = true) ORDER BY w`,
      );
      const windows = w.getRowsJson().map(([x]) => Number(x));
      const files: string[] = [];
      for (const [i, win] of windows.entries()) {
        const file = compactedFile(first, last, i + 1, windows.length);
        const final = join(dir, file);
        const tmp = `${final}.tmp`;
        await this.writer.run(
          `COPY (SELECT * FROM ${inLayout(list)} WHERE ${windowOf} = ${win}) TO ${sqlString(tmp)} (FORMAT parquet, ROW_GROUP_SIZE ${COMPACTED_ROW_GROUP}, KV_METADATA {${sqlString(OFFSETS_KEY)}: ${sqlString(JSON.stringify([...offsets]))}})`,
        );
        commitFile(tmp, final);
        files.push(file);
      }
      const compacted = await this.describeSegments(files);
      this.segments = [...this.segments.filter((s) => s.compacted), ...compacted].sort(bySeq);
      this.afterSegmentsChanged();
      removeFiles(
        dir,
        left.map((s) => s.file),
      );
      this.opts.log?.info(`compacted ${left.length} segment file(s) left by the previous run`);
    } catch (err) {
      // They stay as they are: queries read them, and the next start tries again.
      this.opts.log?.warn(`compacting segments left by the previous run failed: ${(err as Error).message}`);
    }
  }

  committedOffsets(generation: string): { source: string; generation: string; next: number }[] {
    const out: { source: string; generation: string; next: number }[] = [];
    for (const [key, next] of this.committed) {
      const sep = key.indexOf('\0');
      const gen = key.slice(sep + 1);
      if (gen === generation || gen.startsWith(`${generation}-`)) {
        out.push({ source: key.slice(0, sep), generation: gen, next });
      }
    }
    return out;
  }

  sealedRanges(): { minUs: number; maxUs: number }[] {
    return this.partitions.map((p) => ({ minUs: p.minUs, maxUs: p.maxUs }));
  }

  batch(): WriteBatch {
    const content: BatchContent = this.storeDir
      ? { rows: this.spareRows.pop() ?? this.pooledRows(), events: null, spent: false }
      : { rows: null, events: [], spent: false };
    const batch: WriteBatch = {
      add(events) {
        if (content.spent) throw new Error('this batch was appended already');
        if (!Array.isArray(events)) {
          const enc = events as EncodedEvents;
          if (enc.encoding !== SEGMENT_ENCODING || !content.rows) {
            throw new Error(`this store cannot take rows encoded as ${enc.encoding}`);
          }
          appendRows(content.rows, (enc as EncodedRows).rows);
        } else if (content.rows) addEvents(content.rows, events as readonly LogEvent[]);
        else for (const e of events as readonly LogEvent[]) content.events!.push(e);
      },
      addRaw(events, parse) {
        if (content.spent) throw new Error('this batch was appended already');
        if (content.rows) addRawEvents(content.rows, events, parse);
        else for (const e of parse(events as RawEvent[])) content.events!.push(e);
      },
      get size() {
        return content.rows ? content.rows.columns.rows : content.events!.length;
      },
    };
    this.batches.set(batch, content);
    return batch;
  }

  append(input: LogEvent[] | WriteBatch): Promise<AppendResult> {
    if (this.opts.readOnly) return Promise.reject(new StorageError('the store is open read-only'));
    let content: BatchContent | undefined;
    if (Array.isArray(input)) {
      const b = this.batch();
      b.add(input);
      content = this.batches.get(b);
    } else {
      content = this.batches.get(input);
      if (content === undefined) return Promise.reject(new Error('append: not a batch of this store'));
      if (content.spent) return Promise.reject(new Error('append: this batch was appended already'));
    }
    const c = content!;
    return this.serial(async () => {
      const r = await this.appendNow(c);
      c.spent = true;
      if (c.rows && !c.kept && this.spareRows.length < SPARE_BATCHES) {
        resetEventRows(c.rows);
        this.spareRows.push(c.rows);
      }
      return r;
    });
  }

  /** Empty rows on pooled column buffers when there are any. */
  private pooledRows(): EventRows {
    const b = this.columnsPool.pop();
    if (b) this.pooledBytes -= columnCapacity(b);
    return eventRows(1024, b);
  }

  /** Runs `fn` after every write queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => {});
    return next;
  }

  private async appendNow(c: BatchContent): Promise<AppendResult> {
    if (this.closed) throw new StorageError('the store is closed');
    if (c.rows) return this.appendSegment(c);
    // Decide which events are new before touching the database, so a failed transaction can be
    // retried with the same decision.
    const events = c.events!;
    const moved = new Map<OffsetKey, number>();
    const fresh: LogEvent[] = [];
    for (const e of events) {
      if (e.generation === '') {
        fresh.push(e); // no identity: cannot be recognised as a duplicate, always stored
        continue;
      }
      const key = `${e.source}\0${e.generation}`;
      const next = moved.get(key) ?? this.committed.get(key) ?? 0;
      if (e.offset < next) continue;
      moved.set(key, e.offset + 1);
      fresh.push(e);
    }
    if (fresh.length === 0) return { stored: 0, duplicates: events.length };
    const ingestUs = this.nextIngestUs();
    await this.appendRows(fresh, moved, ingestUs);
    this.lastIngestUs = ingestUs;
    for (const [key, next] of moved) this.committed.set(key, next);
    return { stored: fresh.length, duplicates: events.length - fresh.length };
  }

  private nextIngestUs(): number {
    return Math.max(this.now() * 1000, this.lastIngestUs + 1);
  }

  /**
   * Writes the new rows as a segment file with their offsets in the footer; durable on return.
   * Which rows are new is decided against the committed offsets as the write starts (appends run
   * one at a time), and the rows are left as they were, so a failed write can be retried.
   */
  private async appendSegment(c: BatchContent): Promise<AppendResult> {
    const rows = c.rows!;
    const total = rows.columns.rows;
    const { keep, fresh, moved } = newRows(rows, this.committed);
    if (fresh === 0) return { stored: 0, duplicates: total };
    const ingestUs = this.nextIngestUs();
    setIngested(rows, ingestUs);
    const offsets = [...moved];
    const cols = keep ? keepRows(rows.columns, keep) : rows.columns;
    const [group] = encodeRowGroups(SEGMENT_SCHEMA, [cols]);
    const data = assembleFile(SEGMENT_SCHEMA, [group], { [OFFSETS_KEY]: JSON.stringify(offsets) });
    const seq = this.nextSeq;
    const file = segmentFile(seq);
    try {
      await writeSegment(this.storeDir!, file, data.pieces);
    } catch (err) {
      throw writeError('append', this.opts.path, err);
    }
    this.nextSeq++;
    const summary = rowsSummary([cols]);
    this.segments.push({
      file,
      first: seq,
      last: seq,
      compacted: false,
      rows: fresh,
      bytes: data.size,
      ...summary,
      offsets,
    });
    this.unsealedBytes += data.size;
    this.lastAppendAt = performance.now();
    this.lastIngestUs = ingestUs;
    for (const [key, next] of moved) this.committed.set(key, next);
    if (addPending(this.pending, seq, cols, group, summary, this.partUs, moved) && cols === rows.columns)
      c.kept = true;
    await this.afterSegment();
    return { stored: fresh, duplicates: total - fresh };
  }

  /**
   * Starts a compaction once enough rows wait in memory, an early seal once unsealed segments
   * grow past `sealBytes`, and holds the append (so the caller's queue backs up) while they are
   * past `maxBytes`.
   */
  private async afterSegment(): Promise<void> {
    const c = this.compaction;
    if (this.pending.bytes >= c.bytes) this.compactInBackground();
    if (this.unsealedBytes >= c.sealBytes) {
      const sealing = this.sealEarly();
      // A failed seal is logged and retried; this append is stored already.
      if (this.unsealedBytes >= c.maxBytes) await sealing.catch(() => {});
    }
  }

  /** Rows wait in memory, and ingest has paused or the oldest has waited long enough. */
  private compactionDue(): boolean {
    if (this.pending.first === 0 && this.toCompact.length === 0) return false;
    const now = performance.now();
    const since = this.toCompact[0]?.since ?? this.pending.since;
    return now - this.lastAppendAt >= this.compaction.idleMs || now - since >= this.compaction.ageMs;
  }

  private compactInBackground(): void {
    this.compact().catch((err) =>
      this.opts.log?.warn(`compacting segments failed: ${(err as Error).message}`),
    );
  }

  /**
   * Writes every row appended so far as compacted segments (one file per window, from memory),
   * then drops the appended files they replace. Joins a compaction already running, and runs
   * again after it when more rows came meanwhile.
   */
  async compact(): Promise<void> {
    if (!this.storeDir || this.opts.readOnly) return;
    while (this.compacting) await this.compacting.catch(() => {});
    if (this.pending.first !== 0) {
      this.toCompact.push(this.pending);
      this.pending = pendingSet();
    }
    if (this.toCompact.length === 0) return;
    this.compacting = this.compactNow().finally(() => {
      this.compacting = null;
    });
    await this.compacting;
    // The appended files it replaced are gone when it returns (but those queries still read).
    await Promise.all(this.unlinking.values());
  }

  private async compactNow(): Promise<void> {
    const dir = this.storeDir!;
    while (this.toCompact.length > 0 && !this.closed) {
      const set = this.toCompact[0];
      const windows = [...set.windows].sort((a, b) => a[0] - b[0]);
      const written: Segment[] = [];
      const meta = { [OFFSETS_KEY]: JSON.stringify([...set.offsets]) };
      for (const [i, [, chunks]] of windows.entries()) {
        const file = compactedFile(set.first, set.last, i + 1, windows.length);
        const data = compactedLayout(chunks, meta);
        try {
          await writeSegment(dir, file, data.pieces);
        } catch (err) {
          // The set stays first in line: the appended files still hold its rows.
          for (const w of written) rmSync(join(dir, w.file), { force: true });
          throw writeError('compacting segments', this.opts.path, err);
        }
        written.push({
          file,
          first: set.first,
          last: set.last,
          compacted: true,
          rows: chunks.reduce((n, ch) => n + ch.columns.rows, 0),
          bytes: data.size,
          ...chunksSummary(chunks),
          offsets: [...set.offsets],
        });
      }
      this.toCompact.shift();
      const replaced = this.segments.filter(
        (s) => !s.compacted && s.first >= set.first && s.last <= set.last,
      );
      await this.withCatalog(async () => {
        const gone = new Set(replaced);
        this.segments = [...this.segments.filter((s) => !gone.has(s)), ...written].sort(bySeq);
        this.afterSegmentsChanged();
      });
      for (const s of replaced) this.dropFile(s.file);
      // Their buffers serve the next batches: allocating them afresh grew external memory, which
      // has V8 collect the whole heap again and again.
      for (const [, chunks] of windows) {
        for (const { columns: b } of chunks) {
          if (this.pooledBytes >= 2 * this.compaction.bytes) break;
          this.columnsPool.push(b);
          this.pooledBytes += columnCapacity(b);
        }
      }
    }
  }

  private afterSegmentsChanged(): void {
    let n = 0;
    for (const s of this.segments) n += s.bytes;
    this.unsealedBytes = n;
  }

  /** In-memory stores: the batch goes through DuckDB's appender, offsets in the same transaction. */
  private async appendRows(
    fresh: LogEvent[],
    moved: Map<OffsetKey, number>,
    ingestUs: number,
  ): Promise<void> {
    try {
      await this.writer.run('BEGIN TRANSACTION');
      const appender = await this.writer.createAppender(ACTIVE_TABLE);
      try {
        appendEvents(appender, fresh, ingestUs);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      await this.upsertOffsets(this.writer, moved);
      await this.exclusive(() => this.writer.run('COMMIT'));
    } catch (err) {
      await this.writer.run('ROLLBACK').catch(() => {});
      throw writeError('append', this.opts.path, err);
    }
    this.tableIngestUs = ingestUs;
  }

  private async upsertOffsets(conn: DuckDBConnection, moved: Iterable<[OffsetKey, number]>): Promise<void> {
    const values: string[] = [];
    const params: (string | number)[] = [];
    for (const [key, next] of moved) {
      const sep = key.indexOf('\0');
      values.push('(?, ?, ?, now())');
      params.push(key.slice(0, sep), key.slice(sep + 1), next);
    }
    if (values.length === 0) return;
    await conn.run(
      `INSERT OR REPLACE INTO ${OFFSETS_TABLE} (source, generation, next_offset, updated_at) VALUES ${values.join(', ')}`,
      params,
    );
  }

  /**
   * Runs a background pass's statements on the writer connection. In-memory stores append on
   * that connection too, so they queue behind appends; segment appends never touch it, and
   * waiting on them could deadlock with an append that waits for an early seal.
   */
  private onWriter<T>(fn: () => Promise<T>): Promise<T> {
    return this.storeDir ? fn() : this.serial(fn);
  }

  /** Runs `fn` after every seal and retention pass queued before it. */
  private inBackground<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.background.then(fn);
    this.background = next.catch(() => {});
    return next;
  }

  /** Deletes a file of the store now, or when the last query reading it is done. */
  private dropFile(file: string): void {
    if (this.inUse.has(file)) this.unlinkLater.add(file);
    else this.unlink(file);
  }

  /**
   * Unlinks off the event loop's thread (a freshly written file can take milliseconds to free);
   * the file counts as on disk until it is gone.
   */
  private unlink(file: string): void {
    const done = rm(join(this.storeDir!, file), { force: true })
      .catch((err) => this.opts.log?.warn(`removing ${file} failed: ${(err as Error).message}`))
      .finally(() => {
        this.unlinking.delete(file);
        const waiting = this.unlinked;
        this.unlinked = [];
        for (const w of waiting) w();
      });
    this.unlinking.set(file, done);
  }

  async query(q: SqlQuery, opts: QueryOptions = {}): Promise<QueryRows> {
    if (this.closed) throw new StorageError('the store is closed');
    const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const ing = opts.ingested;
    const lease: ViewLease = { files: [], segments: [], partitions: [] };
    const started = performance.now();
    const conn = await this.openView(
      lease,
      (p) => overlaps(p, opts.range?.fromUs, opts.range?.toUs) && (!ing || p.markerUs > ing.afterUs),
      ing,
    );
    const timer = setTimeout(() => conn.interrupt(), timeoutMs);
    let ok = false;
    try {
      const reader = await conn.streamAndReadUntil(q.sql, maxRows, q.params);
      const { columns, rows } = readRows(reader, maxRows);
      ok = true;
      return {
        columns,
        rows,
        elapsed_ms: performance.now() - started,
        scan: {
          partitions_scanned: lease.files.length,
          partitions_skipped: lease.partitions.length - lease.files.length,
        },
      };
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      if (/interrupt/i.test(msg))
        throw new StorageError(`query took longer than ${timeoutMs} ms and was stopped`);
      throw new StorageError(`query failed: ${msg.split('\n')[0]}`, { cause: err });
    } finally {
      clearTimeout(timer);
      await this.closeView(conn, lease, ok);
    }
  }

  /**
   * A query connection whose view `logs` reads the active table, the unmerged segments and the
   * partitions `pick` keeps. The file lists and the connection's snapshot are taken together, so
   * a seal committing in between cannot hide the rows it moved (gone from the table, its file not
   * listed). The files stay on disk until `closeView`.
   */
  private openView(
    lease: ViewLease,
    pick: (p: Partition) => boolean,
    ingested?: { afterUs: number; upToUs: number },
  ): Promise<DuckDBConnection> {
    return this.withCatalog(async () => {
      await this.beginRead(lease);
      lease.partitions = this.partitions;
      lease.files = this.partitions.filter(pick).map((p) => p.file);
      lease.segments = this.segments.map((s) => s.file);
      for (const f of lease.files) this.hold(f);
      for (const f of lease.segments) this.hold(f);
      const dir = this.storeDir;
      let conn: DuckDBConnection | null = null;
      try {
        conn = await this.views.acquire({
          segments: dir ? lease.segments.map((f) => join(dir, f)) : [],
          partitions: dir ? lease.files.map((f) => join(dir, f)) : [],
          ingested,
        });
        await conn.run('BEGIN TRANSACTION');
        // DuckDB fixes a transaction's snapshot when it first reads a table.
        await conn.run(`SELECT count(*) FROM ${PARTITIONS_TABLE}`);
        return conn;
      } catch (err) {
        if (conn !== null) await this.closeView(conn, lease, false);
        else this.endLease(lease);
        throw err;
      }
    });
  }

  /** Ends what `openView` began; the connection serves the next query unless it failed. */
  private async closeView(conn: DuckDBConnection, lease: ViewLease, reusable: boolean): Promise<void> {
    const rolledBack = await conn.run('ROLLBACK').then(
      () => true,
      () => false,
    );
    this.views.release(conn, reusable && rolledBack);
    this.endLease(lease);
  }

  private endLease(lease: ViewLease): void {
    this.endRead(lease);
    for (const f of lease.files) this.release(f);
    for (const f of lease.segments) this.release(f);
  }

  /**
   * Runs `fn` while no query takes its file lists and snapshot, and no seal or removal commits
   * and updates the lists: each sees the other whole.
   */
  private withCatalog<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.catalog.then(fn);
    this.catalog = next.catch(() => {});
    return next;
  }

  /** Counts a query as reading, once no row-moving commit waits or runs. */
  private async beginRead(lease: ViewLease): Promise<void> {
    while (this.commitGate) await this.commitGate;
    this.readers++;
    lease.reading = true;
  }

  private endRead(lease: ViewLease): void {
    if (!lease.reading) return;
    lease.reading = false;
    this.readers--;
    if (this.readers === 0) {
      const waiting = this.drained;
      this.drained = [];
      for (const w of waiting) w();
    }
  }

  /**
   * Runs a commit that moves rows into or out of the active table while no query reads: DuckDB
   * 1.5 lets a scan that runs during such a commit see the committing rows even though its
   * snapshot is older (a count over 500,000 merged rows read 1,000,000: the rows in the table
   * and again in their segments, which the snapshot had not seen merged). Queries wait for the
   * commit (milliseconds); the commit waits for the queries reading when it starts.
   */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.commitGate) await this.commitGate;
    let open: () => void = () => {};
    this.commitGate = new Promise<void>((r) => {
      open = r;
    });
    try {
      while (this.readers > 0) await new Promise<void>((r) => this.drained.push(r));
      return await fn();
    } finally {
      this.commitGate = null;
      open();
    }
  }

  /** Keeps a file on disk while a query reads it. */
  private hold(file: string): void {
    this.inUse.set(file, (this.inUse.get(file) ?? 0) + 1);
  }

  private async createTempSchema(conn: DuckDBConnection): Promise<void> {
    for (const sql of createSchemaSql()) await conn.run(sql.replace('CREATE TABLE', 'CREATE TEMP TABLE'));
  }

  watermark(): number {
    return this.lastIngestUs;
  }

  private release(file: string): void {
    const n = (this.inUse.get(file) ?? 1) - 1;
    if (n > 0) {
      this.inUse.set(file, n);
      return;
    }
    this.inUse.delete(file);
    if (this.unlinkLater.delete(file) && this.storeDir) this.unlink(file);
  }

  async stats(): Promise<StoreStats> {
    if (this.closed) throw new StorageError('the store is closed');
    // The active table and the segments, through the view queries use (no partition files:
    // their summaries are in the catalog).
    const lease: ViewLease = { files: [], segments: [], partitions: [] };
    const conn = await this.openView(lease, () => false);
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
      await this.closeView(conn, lease, ok);
    }
    const active = Number(r.n);
    let rawBytes = Number(r.raw);
    let minUs = r.mn === null ? Number.POSITIVE_INFINITY : Number(r.mn);
    let maxUs = r.mx === null ? Number.NEGATIVE_INFINITY : Number(r.mx);
    let bytes = this.storeDir
      ? fileSize(this.opts.path) + fileSize(`${this.opts.path}.wal`) + this.unsealedBytes
      : 0;
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
    };
  }

  /** Seals finished windows into partitions, then applies retention. One pass at a time. */
  maintain(): Promise<MaintenanceReport> {
    if (this.opts.readOnly) return Promise.reject(new StorageError('the store is open read-only'));
    if (!this.maintaining) {
      this.maintaining = this.maintainNow().finally(() => {
        this.maintaining = null;
      });
    }
    return this.maintaining;
  }

  private async maintainNow(): Promise<MaintenanceReport> {
    const report = emptyReport();
    if (this.closed) return report;
    if (this.storeDir) {
      const cutoffUs = this.sealCutoffUs();
      await this.inBackground(() => this.sealTable(report, cutoffUs));
      await this.inBackground(() => this.sealSegments(report, cutoffUs, false));
    }
    await this.inBackground(() => this.applyRetention(report));
    // The disk a pass frees is free when it returns (files queries still read go when they end).
    await Promise.all(this.unlinking.values());
    return report;
  }

  /** Windows that ended before this (epoch µs) are sealed. */
  private sealCutoffUs(): number {
    return (this.now() - (this.opts.sealAfterMs ?? 300_000)) * 1000;
  }

  /**
   * Seals the oldest compacted segments now, whatever their window, until unsealed segments
   * take at most half of `sealBytes`: heavy ingest does not wait for a window's end. Joins an
   * early seal already running.
   */
  private sealEarly(): Promise<void> {
    if (!this.sealingEarly) {
      const report = emptyReport();
      this.sealingEarly = this.inBackground(() => this.sealSegments(report, this.sealCutoffUs(), true))
        .catch((err) => {
          this.opts.log?.warn(`sealing segments failed: ${(err as Error).message}`);
          throw err;
        })
        .finally(() => {
          this.sealingEarly = null;
        });
    }
    return this.sealingEarly;
  }

  /**
   * Seals compacted segments into partitions: every window that ended before `cutoffUs`, and
   * with `early` the oldest windows' files until unsealed segments are down to half of
   * `sealBytes`. A window's files go into partitions of at most `partitionBytes` of segments each.
   */
  private async sealSegments(report: MaintenanceReport, cutoffUs: number, early: boolean): Promise<void> {
    await this.compact();
    // A set is sealed only once its appended files are gone (see listSegments for why): those
    // that running queries still read go when the queries end, within the query timeout.
    while (this.segments.some((seg) => seg.compacted && this.appendedOnDisk(seg)) && !this.closed) {
      await new Promise<void>((r) => this.unlinked.push(r));
    }
    const partUs = this.partUs;
    const byWindow = new Map<number, Segment[]>();
    for (const seg of this.segments) {
      if (!seg.compacted || seg.rows === 0 || this.appendedOnDisk(seg)) continue;
      const w = Math.floor(seg.minUs / partUs) * partUs;
      let list = byWindow.get(w);
      if (list === undefined) {
        list = [];
        byWindow.set(w, list);
      }
      list.push(seg);
    }
    const enough = () => early && this.unsealedBytes <= this.compaction.sealBytes / 2;
    for (const [w, segs] of [...byWindow].sort((a, b) => a[0] - b[0])) {
      if (enough() || this.closed) return;
      let maxUs = Number.NEGATIVE_INFINITY;
      for (const seg of segs) maxUs = Math.max(maxUs, seg.maxUs);
      const ended = (Math.floor(maxUs / partUs) + 1) * partUs <= cutoffUs;
      if (!ended && !early) continue;
      let chunk: Segment[] = [];
      let bytes = 0;
      for (const seg of segs) {
        if (chunk.length > 0 && bytes + seg.bytes > this.compaction.partitionBytes) {
          await this.sealFiles(w, chunk, report);
          if (enough()) return;
          chunk = [];
          bytes = 0;
        }
        chunk.push(seg);
        bytes += seg.bytes;
      }
      await this.sealFiles(w, chunk, report);
    }
  }

  /** Whether an appended segment in `seg`'s range is still on disk (waiting for a query, or being unlinked). */
  private appendedOnDisk(seg: Segment): boolean {
    for (const f of [...this.unlinkLater, ...this.unlinking.keys()]) {
      const p = parseSegmentName(f);
      if (p !== null && !p.compacted && p.first >= seg.first && p.first <= seg.last) return true;
    }
    return false;
  }

  /**
   * One partition from compacted segments of the window starting at `windowUs`: the file is
   * written, fsynced and renamed, then its catalog row (naming the segments it took) and the
   * segments' offsets commit together, and the segments leave the query lists in the same step.
   * The segment files go after; a crash before that leaves files the next open recognises.
   */
  private async sealFiles(windowUs: number, segs: Segment[], report: MaintenanceReport): Promise<void> {
    const dir = this.storeDir!;
    const list = segs.map((seg) => sqlString(join(dir, seg.file))).join(', ');
    let marker = 0;
    for (const seg of segs) marker = Math.max(marker, seg.ingestedUs);
    const rel = partitionFile(windowUs, marker);
    const final = join(dir, rel);
    const tmp = `${final}.tmp`;
    ensureDir(final);
    const conn = await this.instance.connect();
    let summary: Record<string, unknown>;
    try {
      summary = readRows(
        await conn.runAndReadAll(
          `SELECT count(*) AS n, epoch_us(min(ts)) AS mn, epoch_us(max(ts)) AS mx, coalesce(sum(${rawBytesSql()} + 1), 0) AS raw, to_json(histogram(level)) AS levels, to_json(histogram(service)) AS services FROM ${inLayout(list)}`,
        ),
      ).rows[0];
      await conn.run(
        `COPY (SELECT * FROM ${inLayout(list)} ORDER BY ts) TO ${sqlString(tmp)} (${PARTITION_FORMAT})`,
      );
      commitFile(tmp, final);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw new StorageError(`sealing a partition failed: ${(err as Error).message.split('\n')[0]}`, {
        cause: err,
      });
    } finally {
      conn.closeSync();
    }
    const part: Partition = {
      file: rel,
      minUs: Number(summary.mn),
      maxUs: Number(summary.mx),
      rows: Number(summary.n),
      bytes: fileSize(final),
      rawBytes: Number(summary.raw),
      markerUs: marker,
    };
    const offsets = new Map<OffsetKey, number>();
    for (const seg of segs)
      for (const [key, next] of seg.offsets) offsets.set(key, Math.max(next, offsets.get(key) ?? 0));
    try {
      await this.withCatalog(() =>
        this.onWriter(async () => {
          await this.writer.run('BEGIN TRANSACTION');
          try {
            await this.insertPartition(
              part,
              summary,
              segs.map((seg) => seg.file),
            );
            await this.upsertOffsets(this.writer, offsets);
            await this.writer.run('COMMIT');
          } catch (err) {
            await this.writer.run('ROLLBACK').catch(() => {});
            throw err;
          }
          // Listed, and the segments unlisted, in the same step as the commit (see withCatalog).
          this.partitions.push(part);
          this.partitions.sort((a, b) => a.minUs - b.minUs);
          const gone = new Set(segs);
          this.segments = this.segments.filter((seg) => !gone.has(seg));
          this.afterSegmentsChanged();
        }),
      );
    } catch (err) {
      rmSync(final, { force: true });
      throw new StorageError(`sealing a partition failed: ${(err as Error).message.split('\n')[0]}`, {
        cause: err,
      });
    }
    for (const seg of segs) this.dropFile(seg.file);
    report.sealed++;
    report.sealed_rows += part.rows;
  }

  /** The catalog row of a new partition; `segments` names the segment files it replaces. */
  private async insertPartition(
    part: Partition,
    summary: Record<string, unknown>,
    segments: string[] | null,
  ): Promise<void> {
    await this.writer.run(
      `INSERT INTO ${PARTITIONS_TABLE} (file, min_ts, max_ts, rows, bytes, raw_bytes, levels, services, sealed_at, segments) VALUES (?, make_timestamp(?::BIGINT), make_timestamp(?::BIGINT), ?, ?, ?, ?, ?, now(), ?)`,
      [
        part.file,
        part.minUs,
        part.maxUs,
        part.rows,
        part.bytes,
        part.rawBytes,
        jsonText(summary.levels),
        jsonText(summary.services),
        segments === null ? null : JSON.stringify(segments),
      ],
    );
  }

  /** Seals rows of the active table (a store from before segments were sealed directly). */
  private async sealTable(report: MaintenanceReport, cutoffUs: number): Promise<void> {
    const partUs = this.partUs;
    // Only rows in the active table when the pass starts move; later appends (in-memory stores)
    // stay for the next pass.
    const marker = this.tableIngestUs;
    if (marker === 0) return;
    const conn = await this.instance.connect();
    try {
      const windows = await conn.runAndReadAll(
        `SELECT DISTINCT epoch_us(ts) // ${partUs} AS w FROM ${ACTIVE_TABLE} WHERE ts < make_timestamp(${Math.floor(cutoffUs)}::BIGINT) AND ingested_at <= make_timestamp(${marker}::BIGINT) ORDER BY w`,
      );
      for (const [w] of windows.getRowsJson()) {
        const startUs = Number(w) * partUs;
        if (startUs + partUs > cutoffUs) continue; // the window is still open
        const sealed = await this.sealWindow(conn, startUs, startUs + partUs, marker);
        if (sealed) {
          report.sealed++;
          report.sealed_rows += sealed;
        }
      }
    } finally {
      conn.closeSync();
    }
  }

  private async sealWindow(
    conn: DuckDBConnection,
    fromUs: number,
    toUs: number,
    marker: number,
  ): Promise<number> {
    const where = `ts >= make_timestamp(${fromUs}::BIGINT) AND ts < make_timestamp(${toUs}::BIGINT) AND ingested_at <= make_timestamp(${marker}::BIGINT)`;
    const rel = partitionFile(fromUs, marker);
    const final = join(this.storeDir!, rel);
    const tmp = `${final}.tmp`;
    ensureDir(final);
    const summary = readRows(
      await conn.runAndReadAll(
        `SELECT count(*) AS n, epoch_us(min(ts)) AS mn, epoch_us(max(ts)) AS mx, coalesce(sum(strlen(raw) + 1), 0) AS raw, to_json(histogram(level)) AS levels, to_json(histogram(service)) AS services FROM ${ACTIVE_TABLE} WHERE ${where}`,
      ),
    ).rows[0];
    const rows = Number(summary.n);
    if (rows === 0) return 0;
    try {
      // Parquet v2 encodings delta-pack the near-monotonic `ts` and `offset` columns: with v1's
      // PLAIN pages they took a third of a partition's bytes (0.102 of raw in all; 0.064 with v2).
      await conn.run(
        `COPY (SELECT * FROM ${ACTIVE_TABLE} WHERE ${where} ORDER BY ts) TO ${sqlString(tmp)} (${PARTITION_FORMAT})`,
      );
      commitFile(tmp, final);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw new StorageError(`sealing a partition failed: ${(err as Error).message.split('\n')[0]}`, {
        cause: err,
      });
    }
    const part: Partition = {
      file: rel,
      minUs: Number(summary.mn),
      maxUs: Number(summary.mx),
      rows,
      bytes: fileSize(final),
      rawBytes: Number(summary.raw),
      markerUs: marker,
    };
    try {
      await this.withCatalog(() =>
        this.onWriter(async () => {
          await this.writer.run('BEGIN TRANSACTION');
          try {
            await this.insertPartition(part, summary, null);
            await this.writer.run(`DELETE FROM ${ACTIVE_TABLE} WHERE ${where}`);
            await this.exclusive(() => this.writer.run('COMMIT'));
          } catch (err) {
            await this.writer.run('ROLLBACK').catch(() => {});
            throw err;
          }
          // Listed in the same step as the commit (see withCatalog).
          this.partitions.push(part);
          this.partitions.sort((a, b) => a.minUs - b.minUs);
        }),
      );
    } catch (err) {
      rmSync(final, { force: true });
      throw new StorageError(`sealing a partition failed: ${(err as Error).message.split('\n')[0]}`, {
        cause: err,
      });
    }
    return rows;
  }

  private async applyRetention(report: MaintenanceReport): Promise<void> {
    const ret = this.opts.retention;
    if (!ret) return;
    if (ret.maxAgeMs !== undefined) {
      const cutoffUs = (this.now() - ret.maxAgeMs) * 1000;
      for (const p of [...this.partitions]) if (p.maxUs < cutoffUs) await this.removePartition(p, report);
      const deleted = await this.onWriter(async () => {
        const r = await this.writer.run(
          `DELETE FROM ${ACTIVE_TABLE} WHERE ts < make_timestamp(${Math.floor(cutoffUs)}::BIGINT)`,
        );
        return r.rowsChanged;
      });
      report.removed_rows += Number(deleted);
    }
    if (ret.maxBytes !== undefined && this.storeDir) {
      // Measured afresh each round: removing a partition writes to the catalog (and its WAL) too.
      const total = () =>
        this.partitions.reduce(
          (n, p) => n + p.bytes,
          fileSize(this.opts.path) + fileSize(`${this.opts.path}.wal`) + this.unsealedBytes,
        );
      while (total() > ret.maxBytes && this.partitions.length > 0) {
        await this.removePartition(this.partitions[0], report);
      }
      if (total() > ret.maxBytes) {
        this.opts.log?.warn(`the store's unsealed data alone (${total()} bytes) exceeds retention.max_size`);
      }
    }
  }

  private async removePartition(p: Partition, report: MaintenanceReport): Promise<void> {
    await this.withCatalog(async () => {
      await this.onWriter(() => this.writer.run(`DELETE FROM ${PARTITIONS_TABLE} WHERE file = ?`, [p.file]));
      this.partitions = this.partitions.filter((x) => x !== p);
    });
    this.dropFile(p.file);
    report.removed++;
    report.removed_rows += p.rows;
    report.freed_bytes += p.bytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    if (this.compactTimer) clearInterval(this.compactTimer);
    await this.maintaining?.catch(() => {});
    await this.chain;
    await this.background;
    // Rows waiting in memory are written as compacted segments, so the next start has no
    // appended files to compact.
    if (!this.opts.readOnly && this.storeDir) {
      await this.compact().catch((err) =>
        this.opts.log?.warn(`compacting segments at close failed: ${(err as Error).message}`),
      );
    }
    this.closed = true;
    if (!this.opts.readOnly) await this.writer.run('CHECKPOINT').catch(() => {});
    this.views.close();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}

/** Names the usual causes of a failed write plainly: a full disk, a read-only data dir. */
function writeError(what: string, path: string, err: unknown): StorageError {
  const msg = (err as Error).message ?? String(err);
  if (/No space left|ENOSPC|disk full/i.test(msg)) {
    return new StorageError(`${what} failed: the disk holding ${dirname(path)} is full`, { cause: err });
  }
  if (/Read-only file system|EROFS|Permission denied|EACCES/i.test(msg)) {
    return new StorageError(`${what} failed: cannot write to ${dirname(path)} (read-only or not permitted)`, {
      cause: err,
    });
  }
  return new StorageError(`${what} failed: ${msg.split('\n')[0]}`, { cause: err });
}

function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function emptyReport(): MaintenanceReport {
  return { sealed: 0, sealed_rows: 0, removed: 0, removed_rows: 0, freed_bytes: 0 };
}

/** Appends of at least this many rows a window keep their row groups in a compacted file. */
const REUSE_GROUP_ROWS = 2048;

/**
 * A compacted file's layout: the appends' own row groups, as their files laid them out (no
 * encoding again), unless they are small (slow ingest), when the rows are laid out afresh.
 */
function compactedLayout(chunks: readonly PendingChunk[], meta: Record<string, string>): ParquetPieces {
  let rows = 0;
  let reusable = true;
  for (const ch of chunks) {
    rows += ch.columns.rows;
    if (ch.group === null) reusable = false;
  }
  if (reusable && rows >= REUSE_GROUP_ROWS * chunks.length) {
    return assembleFile(
      SEGMENT_SCHEMA,
      chunks.map((ch) => ch.group!),
      meta,
    );
  }
  return parquetFile(
    SEGMENT_SCHEMA,
    chunks.map((ch) => ch.columns),
    meta,
    { rowGroupRows: COMPACTED_ROW_GROUP },
  );
}

/** Segments in sequence order (a compacted set's parts by name). */
function bySeq(a: Segment, b: Segment): number {
  return a.first - b.first || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}
