/**
 * The embedded store on DuckDB. One process owns the store. Each appended batch becomes a segment
 * file (see segments.ts) carrying the per-source committed offsets, so a batch re-sent after a
 * crash is recognised and skipped (exactly once). The rows of many appends are written again as
 * compacted segments, one per time window, from memory; finished windows (and, under heavy
 * ingest, the oldest unsealed rows) are sealed from those files straight into zstd Parquet
 * partitions. DuckDB's tables hold only the catalog: rows never go through its insert path.
 * Retention removes the oldest partitions, and queries read the segments and the partitions
 * their time range can touch, alongside ingest. In-memory stores keep rows in a DuckDB table.
 *
 * This module is the store's façade: opening picks the kind of store (kinds.ts) and the class
 * below hands each call to the module that does it: appends.ts, compact.ts, seal.ts,
 * retention.ts (through maintenance.ts), queries.ts; open.ts reads the store as it opens.
 */
import type { Dialect } from '../../core/dialect.js';
import type { LogEvent } from '../../core/events.js';
import type {
  AppendResult,
  MaintainOptions,
  MaintenanceReport,
  QueryOptions,
  QueryRows,
  SqlQuery,
  StorageEngine,
  StoreFileHealth,
  StoreStats,
  WriteBatch,
} from '../../core/storage.js';
import { committedOffsets } from './appends.js';
import { duckdbDialect } from './dialect.js';
import { type StoreKind, storeKind } from './kinds.js';
import { openInstance } from './open.js';
import type { DuckDbStoreOptions } from './options.js';
import { fileHealth } from './quarantine.js';
import { runQuery, storeStats } from './queries.js';
import { closeSealInstance } from './seal-instance.js';
import { type StoreState, storeState } from './state.js';
import { loadError } from './store-errors.js';

export type { CompactionOptions, DuckDbStoreOptions, RetentionOptions } from './options.js';

/** Opens (creating when missing) a DuckDB store. */
export async function openDuckDbStore(opts: DuckDbStoreOptions): Promise<DuckDbStore> {
  const kind = storeKind(opts);
  const { instance, writer } = await openInstance(opts);
  const s = storeState(instance, writer, opts);
  await kind.load(s).catch((err) => Promise.reject(loadError(opts.path, err)));
  kind.start(s);
  return new DuckDbStore(s, kind);
}

export class DuckDbStore implements StorageEngine {
  readonly dialect: Dialect = duckdbDialect;

  /** Made by `openDuckDbStore`. */
  constructor(
    private readonly s: StoreState,
    private readonly kind: StoreKind,
  ) {}

  committedOffsets(generation: string): { source: string; generation: string; next: number }[] {
    return committedOffsets(this.s, generation);
  }

  fileHealth(): StoreFileHealth {
    return fileHealth(this.s.dir, this.s.skipped);
  }

  sealedRanges(): { minUs: number; maxUs: number }[] {
    return this.s.partitions.map((p) => ({ minUs: p.minUs, maxUs: p.maxUs }));
  }

  batch(): WriteBatch {
    return this.kind.batch(this.s);
  }

  append(input: LogEvent[] | WriteBatch): Promise<AppendResult> {
    return this.kind.append(this.s, input);
  }

  /**
   * Writes every row appended so far as compacted segments (one file per window, from memory),
   * then drops the appended files they replace. Joins a compaction already running, and runs
   * again after it when more rows came meanwhile. Nothing to do but for the owner of a store on disk.
   */
  compact(): Promise<void> {
    return this.kind.compact(this.s);
  }

  query(q: SqlQuery, opts: QueryOptions = {}): Promise<QueryRows> {
    return runQuery(this.s, q, opts);
  }

  watermark(): number {
    return this.s.lastIngestUs;
  }

  stats(): Promise<StoreStats> {
    return storeStats(this.s);
  }

  /** Seals finished windows into partitions, then applies retention. One pass at a time. */
  maintain(opts: MaintainOptions = {}): Promise<MaintenanceReport> {
    return this.kind.maintain(this.s, opts);
  }

  async close(): Promise<void> {
    const s = this.s;
    if (s.closed) return;
    for (const t of s.timers) clearInterval(t);
    await s.maintaining.current?.catch(() => {});
    await s.writes.idle();
    await s.background.idle();
    await this.kind.beforeClose(s);
    s.closed = true;
    if (this.kind.writes) await s.writer.run('CHECKPOINT').catch(() => {});
    s.views.close();
    await closeSealInstance(s);
    s.writer.closeSync();
    s.instance.closeSync();
  }
}
