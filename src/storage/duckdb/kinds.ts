/**
 * The three kinds of DuckDB store, one chosen at open: the owner of a store on disk (appends as
 * segment files, compaction, sealing, retention), a reader of one opened read-only (queries
 * only), and an in-memory store (rows in the active table, retention but no partitions). What
 * differs between them is decided here, once, instead of in every method.
 */
import type { LogEvent } from '../../core/events.js';
import type { AppendResult, MaintainOptions, MaintenanceReport, WriteBatch } from '../../core/storage.js';
import { appendToTable } from './active-table.js';
import { appendBatch, appendSegment, eventContent, newBatch, segmentContent } from './appends.js';
import { compact, startCompactTimer } from './compact.js';
import { maintain, startMaintenance } from './maintenance.js';
import { loadCatalog, loadOwned, loadRead, recordSegments } from './open.js';
import type { DuckDbStoreOptions } from './options.js';
import { sealFinished } from './seal.js';
import type { StoreState } from './state.js';
import { readOnlyError } from './store-errors.js';

export interface StoreKind {
  readonly name: 'owner' | 'reader' | 'memory';
  /** Reads what the store holds as it opens (and, for the owner, recovers what a crash left). */
  load(s: StoreState): Promise<void>;
  /** Starts the timers that compact and maintain the store. */
  start(s: StoreState): void;
  batch(s: StoreState): WriteBatch;
  append(s: StoreState, input: LogEvent[] | WriteBatch): Promise<AppendResult>;
  compact(s: StoreState): Promise<void>;
  maintain(s: StoreState, opts: MaintainOptions): Promise<MaintenanceReport>;
  /** What is written before the store counts as closed (rows waiting in memory). */
  beforeClose(s: StoreState): Promise<void>;
  /** Whether the store writes to its database, so closing checkpoints it. */
  readonly writes: boolean;
}

const nothing = async (): Promise<void> => {};

/** The process that owns a store on disk. */
const OWNER: StoreKind = {
  name: 'owner',
  load: loadOwned,
  start(s) {
    startCompactTimer(s);
    startMaintenance(s, sealFinished);
  },
  batch: (s) => newBatch(s, segmentContent(s)),
  append: (s, input) => appendBatch(s, input, segmentContent, appendSegment),
  compact,
  maintain: (s, opts) => maintain(s, sealFinished, opts),
  // Rows waiting in memory are written as compacted segments, so the next start has no
  // appended files to compact; the files left are recorded, so one that goes missing is noticed.
  beforeClose: async (s) => {
    await compact(s).catch((err) =>
      s.opts.log?.warn(`compacting segments at close failed: ${(err as Error).message}`),
    );
    await recordSegments(s);
  },
  writes: true,
};

/** A store on disk opened read-only, beside no owner. */
const READER: StoreKind = {
  name: 'reader',
  load: loadRead,
  start() {},
  batch: (s) => newBatch(s, segmentContent(s)),
  append: () => Promise.reject(readOnlyError()),
  compact: nothing,
  maintain: () => Promise.reject(readOnlyError()),
  beforeClose: nothing,
  writes: false,
};

/** A store in memory: rows in the active table, nothing sealed. */
const MEMORY: StoreKind = {
  name: 'memory',
  load: loadCatalog,
  start(s) {
    startMaintenance(s, nothing);
  },
  batch: (s) => newBatch(s, eventContent()),
  append: (s, input) => appendBatch(s, input, eventContent, appendToTable),
  compact: nothing,
  maintain: (s, opts) => maintain(s, nothing, opts),
  beforeClose: nothing,
  writes: true,
};

/** The kind of store `opts` open. */
export function storeKind(opts: DuckDbStoreOptions): StoreKind {
  if (opts.readOnly) return READER;
  return opts.path === ':memory:' ? MEMORY : OWNER;
}
