/**
 * Compaction on the engine's side: when the rows appended since the last compaction are written
 * again as one file per window (compaction.ts keeps track of them meanwhile), and how: the
 * appends' row groups copied from their files, rows held in memory laid out afresh. The
 * appended files they replace are dropped once the compacted ones are listed.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnBuffers } from '../parquet/column-buffers.js';
import { assembleFile, type EncodedRowGroup, encodeRowGroups } from '../parquet/writer.js';
import { SEGMENT_SCHEMA } from '../rows/event-columns.js';
import { chunkRows, chunksSummary, type PendingChunk, pendingSet } from './compaction.js';
import { retryDeferred } from './deferred-recovery.js';
import { dropFile, unlinksDone } from './leases.js';
import { compactedFile, OFFSETS_KEY, type Segment, type SegmentPiece, writeSegment } from './segments.js';
import { afterSegmentsChanged, bySeq, type StoreState, withCatalog } from './state.js';
import { writeError } from './store-errors.js';

/** Rows per row group of a compacted segment: DuckDB's own default, so scans split the same way. */
export const COMPACTED_ROW_GROUP = 122_880;

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
        rows: chunks.reduce((n, ch) => n + chunkRows(ch), 0),
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
  }
}

/**
 * A compacted file's layout, rows in append order: the appends' row groups copied from their
 * files as they laid them out (no encoding again), and rows held as columns laid out afresh.
 */
function compactedLayout(
  chunks: readonly PendingChunk[],
  meta: Record<string, string>,
): { pieces: SegmentPiece[]; size: number } {
  const groups: EncodedRowGroup[] = [];
  const bodies: SegmentPiece[] = [];
  let held: ColumnBuffers[] = [];
  const layOutHeld = () => {
    if (held.length === 0) return;
    for (const g of encodeRowGroups(SEGMENT_SCHEMA, held, { rowGroupRows: COMPACTED_ROW_GROUP })) {
      bodies.push(...g.pieces);
      groups.push({ ...g, pieces: [] });
    }
    held = [];
  };
  for (const ch of chunks) {
    if (ch.columns !== null) {
      held.push(ch.columns);
      continue;
    }
    layOutHeld();
    const st = ch.stored!;
    bodies.push({ file: st.file, at: st.at, size: st.size });
    groups.push({ rows: st.rows, size: st.size, chunks: st.chunks, pieces: [] });
  }
  layOutHeld();
  // The groups' sizes and column chunks place them in the footer; their bytes go between the
  // magic, which opens the file, and the footer.
  const file = assembleFile(SEGMENT_SCHEMA, groups, meta);
  return { pieces: [file.pieces[0], ...bodies, ...file.pieces.slice(1)], size: file.size };
}
