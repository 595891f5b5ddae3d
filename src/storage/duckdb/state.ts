/**
 * What an open DuckDB store keeps: one object per store, made at open and handed to the modules
 * that act on it (appends, compaction, sealing, retention, queries).
 */
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { LogEvent } from '../../core/events.js';
import type { MaintenanceReport, WriteBatch } from '../../core/storage.js';
import type { EventRows } from '../rows/event-columns.js';
import { catalogViews } from './catalog-layout.js';
import { type PendingSet, pendingSet } from './compaction.js';
import { type FileLeases, fileLeases } from './leases.js';
import {
  COMPACTION_DEFAULTS,
  type CompactionOptions,
  DEFAULT_PARTITION_MS,
  type DuckDbStoreOptions,
} from './options.js';
import type { Partition } from './partitions.js';
import { type QueryViews, queryViews } from './query-views.js';
import { createTempSchema } from './schema.js';
import type { Segment } from './segments.js';
import { CommitGate, Flight, SerialQueue } from './serial.js';

/** `source \0 generation`. */
export type OffsetKey = string;

/**
 * The next offset of each source and generation over several files' offsets: the furthest,
 * as a file that replaces them holds all their rows.
 */
export function furthestOffsets(lists: Iterable<Iterable<[OffsetKey, number]>>): Map<OffsetKey, number> {
  const out = new Map<OffsetKey, number>();
  for (const list of lists) for (const [key, next] of list) out.set(key, Math.max(next, out.get(key) ?? 0));
  return out;
}

/** What a batch from `batch()` holds: encoded rows for segment stores, events for in-memory ones. */
export interface BatchContent {
  rows: EventRows | null;
  events: LogEvent[] | null;
  spent: boolean;
}

export interface StoreState {
  readonly instance: DuckDBInstance;
  /** The catalog's connection: the open's reads, catalog commits, and in-memory appends. */
  readonly writer: DuckDBConnection;
  readonly opts: DuckDbStoreOptions;
  /** The folder of the database file, its segments and partitions; null in memory. */
  readonly dir: string | null;
  readonly now: () => number;
  readonly compaction: CompactionOptions;
  /** Width of a time partition (µs). */
  readonly partUs: number;
  closed: boolean;

  // The catalog, as the engine keeps it.
  /** Next offset not yet stored, per `source \0 generation`; the store is the only writer. */
  readonly committed: Map<OffsetKey, number>;
  /** Sealed partitions, oldest first. */
  partitions: Partition[];
  /** Ingest stamp of the last append, strictly increasing: sealing moves rows stamped up to a marker. */
  lastIngestUs: number;
  /** Highest ingest stamp among rows in the active table: sealing moves rows up to it. */
  tableIngestUs: number;
  /** Read-only open of a file with no tables yet. */
  schemaMissing: boolean;
  /** Damaged or foreign files a reader left out (its owner moves them to quarantine). */
  skipped: number;
  /** The segment files `segment_files` lists (recovery.ts `segmentsKey`), so an unchanged list is not written again. */
  recordedSegments: string;

  // Segments and compaction.
  /** Unsealed segment files, appended and compacted, in sequence order. */
  segments: Segment[];
  /** Bytes of the segment files in `segments`. */
  unsealedBytes: number;
  /** Sequence number of the next appended segment; above every one a name on disk carries. */
  nextSeq: number;
  /** When the last segment was appended (monotonic ms), for compacting once ingest pauses. */
  lastAppendAt: number;
  /** Rows appended since the last compaction: where they are, by window. */
  pending: PendingSet;
  /** Sets taken from `pending` whose compaction has not succeeded yet, oldest first. */
  readonly toCompact: PendingSet[];
  readonly compacting: Flight<void>;

  // Batches.
  readonly batches: WeakMap<WriteBatch, BatchContent>;
  /** Encoded batches kept for reuse once appended, so their buffers are allocated once. */
  readonly spareRows: EventRows[];

  // Order between writers, and between writers and readers.
  /** Writes (appends, seal commits, removals) run one at a time, in arrival order. */
  readonly writes: SerialQueue;
  /** Seals and retention run one at a time, beside appends and compactions. */
  readonly background: SerialQueue;
  /** Serialises a query's list-and-snapshot step with seal and removal commits (see withCatalog). */
  readonly catalog: SerialQueue;
  /**
   * Queries between openView and closeView, and the commits that move rows into or out of the
   * active table, which run while no query reads: DuckDB 1.5 lets a scan that runs during such a
   * commit see the committing rows even though its snapshot is older (a count over 500,000
   * merged rows read 1,000,000: the rows in the table and again in their segments, which the
   * snapshot had not seen merged). Queries wait for the commit (milliseconds); the commit waits
   * for the queries reading when it starts.
   */
  readonly gate: CommitGate;
  /** Files kept on disk while queries read them. */
  readonly files: FileLeases;
  /**
   * Runs a background pass's statements on the writer connection. In-memory stores append on
   * that connection too, so they queue behind appends; segment appends never touch it, and
   * waiting on them could deadlock with an append that waits for an early seal.
   */
  readonly onWriter: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly maintaining: Flight<MaintenanceReport>;
  /** While a maintenance pass asked to run alone seals: its seals may use every core. */
  sealAlone: boolean;
  readonly sealingEarly: Flight<void>;
  /** Query connections with their view `logs` made, kept between queries. */
  readonly views: QueryViews;
  /** The compaction and maintenance timers, while they run. */
  readonly timers: NodeJS.Timeout[];
}

/** The state of a store just opened on `instance`, before its catalog is read. */
export function storeState(
  instance: DuckDBInstance,
  writer: DuckDBConnection,
  opts: DuckDbStoreOptions,
): StoreState {
  const dir = opts.path === ':memory:' ? null : dirname(opts.path);
  const writes = new SerialQueue();
  const s: StoreState = {
    instance,
    writer,
    opts,
    dir,
    now: opts.now ?? Date.now,
    compaction: { ...COMPACTION_DEFAULTS, ...opts.compaction },
    partUs: (opts.partitionMs ?? DEFAULT_PARTITION_MS) * 1000,
    closed: false,
    committed: new Map(),
    partitions: [],
    lastIngestUs: 0,
    tableIngestUs: 0,
    schemaMissing: false,
    skipped: 0,
    recordedSegments: '',
    segments: [],
    unsealedBytes: 0,
    nextSeq: 1,
    lastAppendAt: 0,
    pending: pendingSet(),
    toCompact: [],
    compacting: new Flight<void>(),
    batches: new WeakMap(),
    spareRows: [],
    writes,
    background: new SerialQueue(),
    catalog: new SerialQueue(),
    gate: new CommitGate(),
    files: fileLeases(dir, opts.log),
    onWriter: dir ? (fn) => fn() : (fn) => writes.run(fn),
    maintaining: new Flight<MaintenanceReport>(),
    sealAlone: false,
    sealingEarly: new Flight<void>(),
    views: queryViews(instance, async (conn) => {
      if (s.schemaMissing) await createTempSchema(conn);
      else await catalogViews(conn);
    }),
    timers: [],
  };
  return s;
}

/**
 * Runs `fn` while no query takes its file lists and snapshot, and no seal or removal commits
 * and updates the lists: each sees the other whole.
 */
export function withCatalog<T>(s: StoreState, fn: () => Promise<T>): Promise<T> {
  return s.catalog.run(fn);
}

/** The ingest stamp of the next append: the clock, or just past the last stamp. */
export function nextIngestUs(s: StoreState): number {
  return Math.max(s.now() * 1000, s.lastIngestUs + 1);
}

/** Recounts the bytes of the unsealed segments after the list changed. */
export function afterSegmentsChanged(s: StoreState): void {
  let n = 0;
  for (const seg of s.segments) n += seg.bytes;
  s.unsealedBytes = n;
}

/** Segments in sequence order (a compacted set's parts by name). */
export function bySeq(a: Segment, b: Segment): number {
  return a.first - b.first || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}

/** An empty maintenance report. */
export function emptyReport(): MaintenanceReport {
  return { sealed: 0, sealed_rows: 0, removed: 0, removed_rows: 0, freed_bytes: 0 };
}
