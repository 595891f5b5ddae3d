/**
 * Rows appended since the last compaction, grouped by time window until they are written again
 * as one compacted set (see segments.ts). An append's row group is read back from its appended
 * file (the bytes are on disk already), so what waits in memory is a few numbers per append, not
 * its rows; only rows the compacted file lays out afresh wait as columns: small appends (slow
 * ingest), and batches across a window's end, each window's rows copied out. Every row is also
 * in its appended file, so a crash that loses this loses nothing: the next open compacts those
 * files.
 */

import { INGESTED_COLUMN } from '../../core/schema.js';
import {
  appendColumns,
  type ColumnBuffers,
  columnBuffers,
  columnBytes,
  type NumberColumn,
} from '../parquet/column-buffers.js';
import { MAGIC } from '../parquet/format.js';
import type { ChunkMeta } from '../parquet/metadata.js';
import type { EncodedRowGroup } from '../parquet/writer.js';
import { TABLE_COLUMNS } from '../rows/columns.js';
import { ROW_KINDS } from '../rows/event-columns.js';

/** The appended files since the last compaction, and their rows by window. */
export interface PendingSet {
  /** Rows per window start (epoch µs; COLD_WINDOW for windows already ended), in append order. */
  windows: Map<number, PendingChunk[]>;
  /** Sequence numbers of the first and last appended file taken (0 while empty). */
  first: number;
  last: number;
  rows: number;
  /** Bytes the rows take: in their appended files, or in memory for rows held as columns. */
  bytes: number;
  /** Bytes of rows held in memory as columns. */
  heldBytes: number;
  /** When the first rows came (monotonic ms). */
  since: number;
  /** Next offset per `source \0 generation` after all these rows. */
  offsets: Map<string, number>;
}

/**
 * Rows of a window waiting for compaction: an append's row group in its file (`stored`), or
 * rows held as columns (`columns`: appends too small to keep their row group, copied together).
 */
export interface PendingChunk {
  stored: StoredGroup | null;
  columns: ColumnBuffers | null;
  summary: RowsSummary;
}

/** A row group as an appended file laid it out: `size` bytes from byte `at` of `file`. */
export interface StoredGroup {
  /** Path relative to the store directory. */
  file: string;
  at: number;
  size: number;
  rows: number;
  chunks: ChunkMeta[];
}

/** The event time range and newest ingest stamp of some rows (epoch µs). */
export interface RowsSummary {
  minUs: number;
  maxUs: number;
  ingestedUs: number;
}

/**
 * Appends of at least this many rows keep their row group in a compacted file (read back from
 * the appended file); smaller ones are held as columns and laid out afresh, so slow ingest does
 * not leave a compacted file of tiny row groups.
 */
export const REUSE_GROUP_ROWS = 2048;

const TS = 0;
const INGESTED = TABLE_COLUMNS.findIndex((c) => c.name === INGESTED_COLUMN);

/** An empty set. */
export function pendingSet(): PendingSet {
  return {
    windows: new Map(),
    first: 0,
    last: 0,
    rows: 0,
    bytes: 0,
    heldBytes: 0,
    since: 0,
    offsets: new Map(),
  };
}

/**
 * The key of the rows whose window had already ended (before the seal cutoff) when they came:
 * history being imported, or late events. They wait together, whatever their windows, and are
 * compacted into one file: a year of history is a few files, not one per hour.
 */
export const COLD_WINDOW = Number.NEGATIVE_INFINITY;

/**
 * Adds the rows of appended file `seq` (`rows`, in the table's column order, `summary` theirs;
 * `group` their row group as the file holds it) to their window, or to the cold rows
 * (COLD_WINDOW) when their window ends at or before `coldUs`. Rows of one window in a row group
 * of at least REUSE_GROUP_ROWS rows wait as that group's place in the file; others are copied
 * into columns. `rows` is never kept: the caller may reuse it. Files must come in sequence order.
 */
export function addPending(
  p: PendingSet,
  seq: number,
  rows: ColumnBuffers,
  group: StoredGroup | null,
  summary: RowsSummary,
  partUs: number,
  offsets: Iterable<[string, number]>,
  coldUs = Number.NEGATIVE_INFINITY,
): void {
  if (p.first === 0) {
    p.first = seq;
    p.since = performance.now();
  }
  p.last = seq;
  for (const [key, next] of offsets) p.offsets.set(key, next);
  const n = rows.rows;
  if (n === 0) return;
  // Windows numbered below this one had ended by `coldUs`: their rows are cold.
  const coldBelow = Math.floor(coldUs / partUs);
  const windowOf = (us: number) => {
    const w = Math.floor(us / partUs);
    return w < coldBelow ? COLD_WINDOW : w;
  };
  // All in one window (or all cold) exactly when the earliest and latest are.
  const w0 = windowOf(summary.minUs);
  p.rows += n;
  if (windowOf(summary.maxUs) === w0) {
    if (group !== null && group.rows === n && n >= REUSE_GROUP_ROWS) {
      windowChunks(p, w0 * partUs).push({ stored: group, columns: null, summary });
      p.bytes += group.size;
    } else hold(p, w0 * partUs, rows, null);
    return;
  }
  // A batch across a window's end (or with late events): each window takes its own rows.
  const ts = (rows.columns[TS] as NumberColumn).values;
  const of = new Float64Array(n);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    of[i] = windowOf(ts[i]);
    seen.add(of[i]);
  }
  const pick = new Uint8Array(n);
  for (const w of seen) {
    for (let i = 0; i < n; i++) pick[i] = of[i] === w ? 1 : 0;
    hold(p, w * partUs, rows, pick);
  }
}

/**
 * Copies rows (those `pick` flags, or all) into the columns the window holds last, or into new
 * ones when its last chunk is a stored group: rows stay in append order.
 */
function hold(p: PendingSet, windowUs: number, rows: ColumnBuffers, pick: Uint8Array | null): void {
  const list = windowChunks(p, windowUs);
  let last = list[list.length - 1];
  if (last === undefined || last.columns === null) {
    last = { stored: null, columns: columnBuffers(ROW_KINDS, 16), summary: emptySummary() };
    list.push(last);
  }
  const b = last.columns!;
  const before = columnBytes(b);
  const from = b.rows;
  appendColumns(b, rows, pick);
  const added = columnBytes(b) - before;
  p.bytes += added;
  p.heldBytes += added;
  widen(last.summary, b, from);
}

function windowChunks(p: PendingSet, windowUs: number): PendingChunk[] {
  let list = p.windows.get(windowUs);
  if (list === undefined) {
    list = [];
    p.windows.set(windowUs, list);
  }
  return list;
}

function emptySummary(): RowsSummary {
  return { minUs: Number.POSITIVE_INFINITY, maxUs: Number.NEGATIVE_INFINITY, ingestedUs: 0 };
}

/** Widens `s` to take in rows `from..` of `b`. */
function widen(s: RowsSummary, b: ColumnBuffers, from: number): void {
  const ts = (b.columns[TS] as NumberColumn).values;
  const ing = (b.columns[INGESTED] as NumberColumn).values;
  for (let i = from; i < b.rows; i++) {
    if (ts[i] < s.minUs) s.minUs = ts[i];
    if (ts[i] > s.maxUs) s.maxUs = ts[i];
    if (ing[i] > s.ingestedUs) s.ingestedUs = ing[i];
  }
}

/** The event time range and newest ingest stamp of rows. */
export function rowsSummary(chunks: readonly ColumnBuffers[]): RowsSummary {
  const out = emptySummary();
  for (const b of chunks) widen(out, b, 0);
  return out;
}

/** The summary of chunks' rows, from theirs. */
export function chunksSummary(chunks: readonly PendingChunk[]): RowsSummary {
  const out = emptySummary();
  for (const { summary: s } of chunks) {
    out.minUs = Math.min(out.minUs, s.minUs);
    out.maxUs = Math.max(out.maxUs, s.maxUs);
    out.ingestedUs = Math.max(out.ingestedUs, s.ingestedUs);
  }
  return out;
}

/** Rows a chunk holds. */
export function chunkRows(ch: PendingChunk): number {
  return ch.stored ? ch.stored.rows : ch.columns!.rows;
}

/** Where an appended file's only row group lies: right after the file's magic. */
export function storedGroup(file: string, group: EncodedRowGroup): StoredGroup {
  return { file, at: MAGIC.length, size: group.size, rows: group.rows, chunks: group.chunks };
}
