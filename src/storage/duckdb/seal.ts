/**
 * Sealing: compacted segments become zstd Parquet partitions, DuckDB paying its per-row cost
 * (sorting and compression) once per row. Finished windows are sealed by maintenance; under
 * heavy ingest the oldest windows are sealed early, before unsealed segments grow too large.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MaintenanceReport } from '../../core/storage.js';
import { sealTable } from './active-table.js';
import { deleteSegmentFiles, insertPartition, upsertOffsets } from './catalog.js';
import { compact } from './compact.js';
import { dropFile, droppedOnDisk, nextUnlink } from './leases.js';
import { DEFAULT_SEAL_AFTER_MS } from './options.js';
import { kvMetadataOption, partitionMeta } from './partition-meta.js';
import {
  commitFile,
  ensureDir,
  fileSize,
  PARTITION_FORMAT,
  type Partition,
  partitionFile,
} from './partitions.js';
import { rawBytesSql } from './raw-text.js';
import { readRows } from './rows.js';
import { inLayout, sqlString } from './schema.js';
import { parseSegmentName, type Segment } from './segments.js';
import { afterSegmentsChanged, emptyReport, type OffsetKey, type StoreState, withCatalog } from './state.js';
import { sealError } from './store-errors.js';

/** Windows that ended before this (epoch µs) are sealed. */
export function sealCutoffUs(s: StoreState): number {
  return (s.now() - (s.opts.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS)) * 1000;
}

/** A maintenance pass's seals: the active table's finished windows, then the segments'. */
export async function sealFinished(s: StoreState, report: MaintenanceReport): Promise<void> {
  const cutoffUs = sealCutoffUs(s);
  await s.background.run(() => sealTable(s, report, cutoffUs));
  await s.background.run(() => sealSegments(s, report, cutoffUs, false));
}

/**
 * Seals the oldest compacted segments now, whatever their window, until unsealed segments
 * take at most half of `sealBytes`: heavy ingest does not wait for a window's end. Joins an
 * early seal already running.
 */
export function sealEarly(s: StoreState): Promise<void> {
  return s.sealingEarly.join(() => {
    const report = emptyReport();
    return s.background
      .run(() => sealSegments(s, report, sealCutoffUs(s), true))
      .catch((err) => {
        s.opts.log?.warn(`sealing segments failed: ${(err as Error).message}`);
        throw err;
      });
  });
}

/**
 * Seals compacted segments into partitions: every window that ended before `cutoffUs`, and
 * with `early` the oldest windows' files until unsealed segments are down to half of
 * `sealBytes`. A window's files go into partitions of at most `partitionBytes` of segments each.
 */
async function sealSegments(
  s: StoreState,
  report: MaintenanceReport,
  cutoffUs: number,
  early: boolean,
): Promise<void> {
  await compact(s);
  // A set is sealed only once its appended files are gone (see listSegments for why): those
  // that running queries still read go when the queries end, within the query timeout.
  while (s.segments.some((seg) => seg.compacted && appendedOnDisk(s, seg)) && !s.closed) {
    await nextUnlink(s.files);
  }
  const partUs = s.partUs;
  const byWindow = new Map<number, Segment[]>();
  for (const seg of s.segments) {
    if (!seg.compacted || seg.rows === 0 || appendedOnDisk(s, seg)) continue;
    const w = Math.floor(seg.minUs / partUs) * partUs;
    let list = byWindow.get(w);
    if (list === undefined) {
      list = [];
      byWindow.set(w, list);
    }
    list.push(seg);
  }
  const enough = () => early && s.unsealedBytes <= s.compaction.sealBytes / 2;
  for (const [w, segs] of [...byWindow].sort((a, b) => a[0] - b[0])) {
    if (enough() || s.closed) return;
    let maxUs = Number.NEGATIVE_INFINITY;
    for (const seg of segs) maxUs = Math.max(maxUs, seg.maxUs);
    const ended = (Math.floor(maxUs / partUs) + 1) * partUs <= cutoffUs;
    if (!ended && !early) continue;
    let chunk: Segment[] = [];
    let bytes = 0;
    for (const seg of segs) {
      if (chunk.length > 0 && bytes + seg.bytes > s.compaction.partitionBytes) {
        await sealFiles(s, w, chunk, report);
        if (enough()) return;
        chunk = [];
        bytes = 0;
      }
      chunk.push(seg);
      bytes += seg.bytes;
    }
    await sealFiles(s, w, chunk, report);
  }
}

/** Whether an appended segment in `seg`'s range is still on disk (waiting for a query, or being unlinked). */
function appendedOnDisk(s: StoreState, seg: Segment): boolean {
  for (const f of droppedOnDisk(s.files)) {
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
async function sealFiles(
  s: StoreState,
  windowUs: number,
  segs: Segment[],
  report: MaintenanceReport,
): Promise<void> {
  const dir = s.dir!;
  const list = segs.map((seg) => sqlString(join(dir, seg.file))).join(', ');
  let marker = 0;
  for (const seg of segs) marker = Math.max(marker, seg.ingestedUs);
  const rel = partitionFile(windowUs, marker);
  const final = join(dir, rel);
  const tmp = `${final}.tmp`;
  ensureDir(final);
  const offsets = new Map<OffsetKey, number>();
  for (const seg of segs)
    for (const [key, next] of seg.offsets) offsets.set(key, Math.max(next, offsets.get(key) ?? 0));
  const names = segs.map((seg) => seg.file);
  const conn = await s.instance.connect();
  let summary: Record<string, unknown>;
  try {
    summary = readRows(
      await conn.runAndReadAll(
        `SELECT count(*) AS n, epoch_us(min(ts)) AS mn, epoch_us(max(ts)) AS mx, coalesce(sum(${rawBytesSql()} + 1), 0) AS raw, to_json(histogram(level)) AS levels, to_json(histogram(service)) AS services FROM ${inLayout(list)}`,
      ),
    ).rows[0];
    // The file describes itself (the catalog row, the segments it replaces, the offsets it
    // holds), so a lost catalog is rebuilt from the files (recovery.ts).
    const meta = partitionMeta(summary, marker, names, [...offsets]);
    await conn.run(
      `COPY (SELECT * FROM ${inLayout(list)} ORDER BY ts) TO ${sqlString(tmp)} (${PARTITION_FORMAT}, ${kvMetadataOption(meta)})`,
    );
    commitFile(tmp, final);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw sealError(err);
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
  try {
    await withCatalog(s, () =>
      s.onWriter(async () => {
        await s.writer.run('BEGIN TRANSACTION');
        try {
          await insertPartition(s.writer, part, summary, names, [...offsets]);
          await upsertOffsets(s.writer, offsets);
          await deleteSegmentFiles(s.writer, names);
          await s.writer.run('COMMIT');
        } catch (err) {
          await s.writer.run('ROLLBACK').catch(() => {});
          throw err;
        }
        // Listed, and the segments unlisted, in the same step as the commit (see withCatalog).
        s.partitions.push(part);
        s.partitions.sort((a, b) => a.minUs - b.minUs);
        const gone = new Set(segs);
        s.segments = s.segments.filter((seg) => !gone.has(seg));
        afterSegmentsChanged(s);
      }),
    );
  } catch (err) {
    rmSync(final, { force: true });
    throw sealError(err);
  }
  for (const seg of segs) dropFile(s.files, seg.file);
  report.sealed++;
  report.sealed_rows += part.rows;
}
