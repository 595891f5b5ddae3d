/**
 * Rows appended since the last compaction, grouped by time window and held in byte form until
 * they are written again as one compacted set (see segments.ts). Every row is also in its
 * appended file, so a crash that loses them loses nothing: the next open compacts those files.
 */

import { INGESTED_COLUMN } from '../../core/schema.js';
import {
  appendColumns,
  type ColumnBuffers,
  columnBuffers,
  columnBytes,
  type NumberColumn,
} from '../parquet/column-buffers.js';
import type { EncodedRowGroup } from '../parquet/writer.js';
import { TABLE_COLUMNS } from '../rows/columns.js';
import { ROW_KINDS } from '../rows/event-columns.js';

/** The appended files since the last compaction, and their rows by window. */
export interface PendingSet {
  /** Rows per window start (epoch µs; COLD_WINDOW for windows already ended), as the appends' own columns (not copied). */
  windows: Map<number, PendingChunk[]>;
  /** Sequence numbers of the first and last appended file taken (0 while empty). */
  first: number;
  last: number;
  rows: number;
  /** Bytes the rows take in memory. */
  bytes: number;
  /** When the first rows came (monotonic ms). */
  since: number;
  /** Next offset per `source \0 generation` after all these rows. */
  offsets: Map<string, number>;
}

/** One append's rows of a window, and their row group as its file laid them out (when it did). */
export interface PendingChunk {
  columns: ColumnBuffers;
  group: EncodedRowGroup | null;
  summary: RowsSummary;
}

/** The event time range and newest ingest stamp of some rows (epoch µs). */
export interface RowsSummary {
  minUs: number;
  maxUs: number;
  ingestedUs: number;
}

const TS = 0;
const INGESTED = TABLE_COLUMNS.findIndex((c) => c.name === INGESTED_COLUMN);

/** An empty set. */
export function pendingSet(): PendingSet {
  return { windows: new Map(), first: 0, last: 0, rows: 0, bytes: 0, since: 0, offsets: new Map() };
}

/**
 * The key of the rows whose window had already ended (before the seal cutoff) when they came:
 * history being imported, or late events. They wait together, whatever their windows, and are
 * compacted into one file: a year of history is a few files, not one per hour.
 */
export const COLD_WINDOW = Number.NEGATIVE_INFINITY;

/**
 * Adds the rows of appended file `seq` (in the table's column order, `summary` theirs) to their
 * window, or to the cold rows (COLD_WINDOW) when their window ends at or before `coldUs`. Rows of
 * one window (the usual case) are kept as they are: the caller must not reuse `rows` then, which
 * the return value says. Rows across windows are copied, each window's into columns of its own.
 * Files must come in sequence order.
 */
export function addPending(
  p: PendingSet,
  seq: number,
  rows: ColumnBuffers,
  group: EncodedRowGroup | null,
  summary: RowsSummary,
  partUs: number,
  offsets: Iterable<[string, number]>,
  coldUs = Number.NEGATIVE_INFINITY,
): boolean {
  if (p.first === 0) {
    p.first = seq;
    p.since = performance.now();
  }
  p.last = seq;
  for (const [key, next] of offsets) p.offsets.set(key, next);
  const n = rows.rows;
  if (n === 0) return false;
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
    windowChunks(p, w0 * partUs).push({ columns: rows, group, summary });
    p.bytes += columnBytes(rows);
    return true;
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
    const b = columnBuffers(ROW_KINDS, n);
    appendColumns(b, rows, pick);
    windowChunks(p, w * partUs).push({ columns: b, group: null, summary: rowsSummary([b]) });
    p.bytes += columnBytes(b);
  }
  return false;
}

function windowChunks(p: PendingSet, windowUs: number): PendingChunk[] {
  let list = p.windows.get(windowUs);
  if (list === undefined) {
    list = [];
    p.windows.set(windowUs, list);
  }
  return list;
}

/** The event time range and newest ingest stamp of rows. */
export function rowsSummary(chunks: readonly ColumnBuffers[]): RowsSummary {
  let minUs = Number.POSITIVE_INFINITY;
  let maxUs = Number.NEGATIVE_INFINITY;
  let ingestedUs = 0;
  for (const b of chunks) {
    const ts = (b.columns[TS] as NumberColumn).values;
    const ing = (b.columns[INGESTED] as NumberColumn).values;
    for (let i = 0; i < b.rows; i++) {
      if (ts[i] < minUs) minUs = ts[i];
      if (ts[i] > maxUs) maxUs = ts[i];
      if (ing[i] > ingestedUs) ingestedUs = ing[i];
    }
  }
  return { minUs, maxUs, ingestedUs };
}

/** The summary of chunks' rows, from theirs. */
export function chunksSummary(chunks: readonly PendingChunk[]): RowsSummary {
  const out: RowsSummary = {
    minUs: Number.POSITIVE_INFINITY,
    maxUs: Number.NEGATIVE_INFINITY,
    ingestedUs: 0,
  };
  for (const { summary: s } of chunks) {
    out.minUs = Math.min(out.minUs, s.minUs);
    out.maxUs = Math.max(out.maxUs, s.maxUs);
    out.ingestedUs = Math.max(out.ingestedUs, s.ingestedUs);
  }
  return out;
}
