/**
 * Compaction on the engine's side: when the rows appended since the last compaction are written
 * again from memory as one file per window (compaction.ts keeps them meanwhile), and how. The
 * appended files they replace are dropped once the compacted ones are listed.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { columnCapacity } from '../parquet/column-buffers.js';
import { assembleFile, type ParquetPieces, parquetFile } from '../parquet/writer.js';
import { SEGMENT_SCHEMA } from '../rows/event-columns.js';
import { chunksSummary, type PendingChunk, pendingSet } from './compaction.js';
import { retryDeferred } from './deferred-recovery.js';
import { dropFile, unlinksDone } from './leases.js';
import { compactedFile, OFFSETS_KEY, type Segment, writeSegment } from './segments.js';
import { afterSegmentsChanged, bySeq, type StoreState, withCatalog } from './state.js';
import { writeError } from './store-errors.js';

/** Rows per row group of a compacted segment: DuckDB's own default, so scans split the same way. */
export const COMPACTED_ROW_GROUP = 122_880;
/** Appends of at least this many rows a window keep their row groups in a compacted file. */
const REUSE_GROUP_ROWS = 2048;

/** Checks, every so often, whether rows waiting in memory are due for compaction. */
export function startCompactTimer(s: StoreState): void {
  const timer = setInterval(
    () => {
      if (compactionDue(s)) compactInBackground(s);
    },
    Math.max(10, Math.min(s.compaction.idleMs, s.compaction.ageMs) / 2),
  );
  timer.unref();
  s.timers.push(timer);
}

/** Rows wait in memory, and ingest has paused or the oldest has waited long enough. */
function compactionDue(s: StoreState): boolean {
  if (s.pending.first === 0 && s.toCompact.length === 0) return false;
  const now = performance.now();
  const since = s.toCompact[0]?.since ?? s.pending.since;
  return now - s.lastAppendAt >= s.compaction.idleMs || now - since >= s.compaction.ageMs;
}

/** The failure last told per store: a full disk is told once, not at every tick of the timer. */
const told = new WeakMap<StoreState, string>();

export function compactInBackground(s: StoreState): void {
  compact(s).then(
    () => told.delete(s),
    (err) => {
      const msg = (err as Error).message;
      if (told.get(s) === msg) return;
      told.set(s, msg);
      s.opts.log?.warn(`${msg}; tried again as rows come (not told again until it works)`);
    },
  );
}

/**
 * Writes every row appended so far as compacted segments (one file per window, from memory),
 * then drops the appended files they replace. Joins a compaction already running, and runs
 * again after it when more rows came meanwhile.
 */
export async function compact(s: StoreState): Promise<void> {
  // Recovery work the open could not write (a full disk) is tried again first.
  await retryDeferred(s);
  while (s.compacting.current) await s.compacting.current.catch(() => {});
  if (s.pending.first !== 0) {
    s.toCompact.push(s.pending);
    s.pending = pendingSet();
  }
  if (s.toCompact.length === 0) return;
  await s.compacting.join(() => compactNow(s));
  // The appended files it replaced are gone when it returns (but those queries still read).
  await unlinksDone(s.files);
}

async function compactNow(s: StoreState): Promise<void> {
  const dir = s.dir!;
  while (s.toCompact.length > 0 && !s.closed) {
    const set = s.toCompact[0];
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
        throw writeError('compacting segments', s.opts.path, err);
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
    s.toCompact.shift();
    const replaced = s.segments.filter(
      (seg) => !seg.compacted && seg.first >= set.first && seg.last <= set.last,
    );
    await withCatalog(s, async () => {
      const gone = new Set(replaced);
      s.segments = [...s.segments.filter((seg) => !gone.has(seg)), ...written].sort(bySeq);
      afterSegmentsChanged(s);
    });
    for (const seg of replaced) dropFile(s.files, seg.file);
    // Their buffers serve the next batches: allocating them afresh grew external memory, which
    // has V8 collect the whole heap again and again.
    for (const [, chunks] of windows) {
      for (const { columns: b } of chunks) {
        if (s.pooledBytes >= 2 * s.compaction.bytes) break;
        s.columnsPool.push(b);
        s.pooledBytes += columnCapacity(b);
      }
    }
  }
}

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
