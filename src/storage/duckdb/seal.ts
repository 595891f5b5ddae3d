/**
 * Sealing: compacted segments become zstd Parquet partitions, DuckDB paying its per-row cost
 * (sorting and compression) once per row. Finished windows are sealed by maintenance; under
 * heavy ingest the oldest windows are sealed early, before unsealed segments grow too large.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MaintenanceReport } from '../../core/storage.js';
import { TIME_PLACE_COLUMN } from '../rows/columns.js';
import { sealTable } from './active-table.js';
import { deleteSegmentFiles, insertPartition, upsertOffsets } from './catalog.js';
import { compact } from './compact.js';
import { dropFile, droppedOnDisk, nextUnlink } from './leases.js';
import { mergeSmall } from './merge.js';
import { DEFAULT_SEAL_AFTER_MS } from './options.js';
import { kvMetadataOption, partitionMeta } from './partition-meta.js';
import {
  commitFile,
  ensureDir,
  fileSize,
  PARTITION_ORDER,
  type Partition,
  partitionFile,
  partitionFormat,
} from './partitions.js';
import { rawBytesSql } from './raw-text.js';
import { readRows } from './rows.js';
import { inLayout, sqlString } from './schema.js';
import { sealConnection } from './seal-instance.js';
import { parseSegmentName, type Segment } from './segments.js';
import {
  afterSegmentsChanged,
  emptyReport,
  furthestOffsets,
  type OffsetKey,
  type StoreState,
  withCatalog,
} from './state.js';
import { sealError } from './store-errors.js';

/** Windows that ended before this (epoch µs) are sealed. */
export function sealCutoffUs(s: StoreState): number {
  return (s.now() - (s.opts.sealAfterMs ?? DEFAULT_SEAL_AFTER_MS)) * 1000;
}

/**
 * A maintenance pass's seals: the active table's finished windows, then the segments', then
 * small partitions merged. A bulk import (`sealAsFilled`) seals every row, its hot windows' too:
 * the store closes after it, and rows left in segments stay uncompressed until the next open.
 * 1M real-shaped lines (2026-12-07): a system whose lines carry no time (Android `brief`) took
 * the import's hour, and its 33,333 rows stayed in a 6.9 MB segment beside 30.7 MB of partitions.
 */
export async function sealFinished(s: StoreState, report: MaintenanceReport): Promise<void> {
  const cutoffUs = s.opts.sealAsFilled ? Number.POSITIVE_INFINITY : sealCutoffUs(s);
  await s.background.run(() => sealTable(s, report, cutoffUs));
  await s.background.run(() => sealSegments(s, report, cutoffUs, false));
  await s.background.run(() => mergeSmall(s));
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
 * A partition none of whose lines lost their time text is written without `time_place` (files
 * lacking a column read it as nulls): an access log's file pays no column it never uses (10,000
 * Apache lines over four days: its footer alone took the store 10 bytes past gzip -6 of the text).
 */
const TIME_PLACE = `"${TIME_PLACE_COLUMN}"`;

/** Stores whose whole-partition seal (sealFull) is running. */
const sealingFull = new WeakSet<StoreState>();

/**
 * Seals, beside ingest, the finished segments that fill whole partitions (`mergeRows` rows or
 * `partitionBytes`), leaving the rest for the next maintenance pass; nothing when one runs. So
 * an import seals a partition while it reads the next, on DuckDB's thread while ingest runs on
 * its own, instead of sealing every row once reading ends. Failures are logged: the rows stay
 * in their segments and the next pass seals them.
 */
export function sealFull(s: StoreState): void {
  if (sealingFull.has(s) || s.closed || !fullPartitionReady(s)) return;
  sealingFull.add(s);
  s.background
    .run(() => sealSegments(s, emptyReport(), sealCutoffUs(s), false, true))
    .catch((err) => s.opts.log?.warn(`sealing segments failed: ${(err as Error).message}`))
    .finally(() => sealingFull.delete(s));
}

/** Whether finished compacted segments hold more than a partition's rows or bytes. */
function fullPartitionReady(s: StoreState): boolean {
  const cutoffUs = sealCutoffUs(s);
  let rows = 0;
  let bytes = 0;
  for (const seg of s.segments) {
    if (!seg.compacted || !ended(s, seg, cutoffUs)) continue;
    rows += seg.rows;
    bytes += seg.bytes;
  }
  return rows > fillRows(s) || bytes > s.compaction.partitionBytes;
}

/**
 * Rows of a partition sealed as it fills: half of `mergeRows`, so the last one, sealed once
 * reading ends, is small. Never small enough to be merged: `mergeFiles` (4) of them exceed
 * `mergeRows`. 1M access lines (2026-12-07, load 8): with whole partitions the second of three
 * was sealed only after reading ended, 2.3–3.1 s of a 12–19 s import.
 */
function fillRows(s: StoreState): number {
  return Math.ceil(s.compaction.mergeRows / 2);
}

/** Whether every window `seg`'s rows fall in ended before `cutoffUs`. */
function ended(s: StoreState, seg: Segment, cutoffUs: number): boolean {
  return (Math.floor(seg.maxUs / s.partUs) + 1) * s.partUs <= cutoffUs;
}

/**
 * Seals compacted segments into partitions: every segment whose rows lie in windows that ended
 * before `cutoffUs`, and with `early` the oldest segments until unsealed segments are down to
 * half of `sealBytes`; with `fullOnly`, only the files that fill whole partitions (no
 * compaction is forced, and the last, partial partition's segments are left). Partitions are
 * chosen by size, not by the clock: the segments, oldest first, go into files of at most
 * `partitionBytes` of segments and `mergeRows` rows each (a segment is never split: a compacted
 * one holds at most 32 MB of rows), whatever time they span (the catalog keeps each file's
 * range, and rows sorted by time give DuckDB row-group ranges inside it). An import of a year of history seals as many files as an import of an hour.
 */
async function sealSegments(
  s: StoreState,
  report: MaintenanceReport,
  cutoffUs: number,
  early: boolean,
  fullOnly = false,
): Promise<void> {
  if (!fullOnly) await compact(s);
  // A set is sealed only once its appended files are gone (see listSegments for why): those
  // that running queries still read go when the queries end, within the query timeout.
  while (s.segments.some((seg) => seg.compacted && appendedOnDisk(s, seg)) && !s.closed) {
    await nextUnlink(s.files);
  }
  const ready: Segment[] = [];
  for (const seg of s.segments) {
    if (!seg.compacted || seg.rows === 0 || appendedOnDisk(s, seg)) continue;
    if (early || ended(s, seg, cutoffUs)) ready.push(seg);
  }
  ready.sort((a, b) => a.minUs - b.minUs || a.first - b.first);
  // Early: the oldest files until unsealed segments are down to half of `sealBytes`.
  const need = early ? s.unsealedBytes - s.compaction.sealBytes / 2 : Number.POSITIVE_INFINITY;
  const maxRows = fullOnly ? fillRows(s) : s.compaction.mergeRows;
  let taken = 0;
  let chunk: Segment[] = [];
  let bytes = 0;
  let rows = 0;
  for (const seg of ready) {
    if (taken >= need || s.closed) break;
    if (chunk.length > 0 && (bytes + seg.bytes > s.compaction.partitionBytes || rows + seg.rows > maxRows)) {
      await sealFiles(s, chunk, report);
      chunk = [];
      bytes = 0;
      rows = 0;
    }
    chunk.push(seg);
    bytes += seg.bytes;
    rows += seg.rows;
    taken += seg.bytes;
  }
  if (chunk.length > 0 && !s.closed && !fullOnly) await sealFiles(s, chunk, report);
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
 * One partition from compacted segments: the file is written, fsynced and renamed, then its
 * catalog row (naming the segments it took) and the segments' offsets commit together, and the
 * segments leave the query lists in the same step. The segment files go after; a crash before
 * that leaves files the next open recognises.
 */
async function sealFiles(s: StoreState, segs: Segment[], report: MaintenanceReport): Promise<void> {
  const dir = s.dir!;
  let marker = 0;
  for (const seg of segs) marker = Math.max(marker, seg.ingestedUs);
  const offsets = furthestOffsets(segs.map((seg) => seg.offsets));
  const names = segs.map((seg) => seg.file);
  // Read in the order they were appended: an import of files (named in order, each in time
  // order) then reads its rows in source, time order, and is copied without a sort (see
  // inPartitionOrder), where by time the files' segments interleave. 1M real-shaped lines of
  // 30 files (2026-12-07): every 210,000-row seal sorted, 4.5-6 s each, at 1.16 GB peak.
  const { part, summary, final } = await writePartition(
    s,
    [...segs].sort((a, b) => a.first - b.first).map((seg) => join(dir, seg.file)),
    Math.min(...segs.map((seg) => seg.minUs)),
    marker,
    names,
    [...offsets],
  );
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
        // A new list, never the old one changed: a query's lease holds the list it was opened
        // with (storeStats counts its partitions after its query; a push into that list counted
        // the sealed rows twice, once in the segments the query read).
        s.partitions = [...s.partitions, part].sort((a, b) => a.minUs - b.minUs);
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

/**
 * Whether the rows of `list` (those `where` keeps) already lie in PARTITION_ORDER as they are
 * read: then the `COPY` needs no sort, and writes them in that order (one thread, insertion
 * order kept). An import of one file in time order, the usual case, is; rows of several sources
 * interleaved (live ingest) or partitions being merged are not, and are sorted. Sealing 444,000
 * access rows in order (2026-12-07, one thread): with the sort 487 MB peak RSS and 1.64 s CPU,
 * without 204 MB and 1.22 s; this check reads two columns and took 44–94 ms CPU.
 */
async function inPartitionOrder(conn: DuckDBConnection, list: string, where: string): Promise<boolean> {
  // `lag` over the rows as they are read: a window without ORDER BY on one thread takes them
  // in the order the COPY below reads them. The check guards compression and pruning, not
  // correctness: a file out of order reads the same, only larger and slower.
  const r = readRows(
    await conn.runAndReadAll(
      `SELECT count(*) AS n FROM (SELECT source, ts, lag(source) OVER () AS ps, lag(ts) OVER () AS pt FROM (SELECT source, ts FROM ${inLayout(list)}${where})) WHERE ps > source OR (ps = source AND pt > ts)`,
    ),
  );
  return Number(r.rows[0].n) === 0;
}

/** A partition file written: its catalog entry, the summary it was made from, its path. */
export interface WrittenPartition {
  part: Partition;
  summary: Record<string, unknown>;
  final: string;
}

/**
 * Writes the rows of `sources` (segment or partition files, absolute paths; those `where`
 * keeps, a SQL ` WHERE …` clause, when given), sorted by time,
 * as a new partition file describing itself (the segments its rows came from, the offsets
 * after them): written to a temporary name, fsynced and renamed into place. Its name carries
 * the window of its first row and `marker`, raised past any name already taken.
 */
export async function writePartition(
  s: StoreState,
  sources: string[],
  minUs: number,
  marker: number,
  names: string[],
  offsets: [OffsetKey, number][],
  where = '',
): Promise<WrittenPartition> {
  const dir = s.dir!;
  const list = sources.map((f) => sqlString(f)).join(', ');
  const windowUs = Math.floor(minUs / s.partUs) * s.partUs;
  let rel = partitionFile(windowUs, marker);
  // A merge's file may fall in the window of one it replaces, with the same newest marker.
  while (existsSync(join(dir, rel)) || s.partitions.some((p) => p.file === rel))
    rel = partitionFile(windowUs, ++marker);
  const final = join(dir, rel);
  const tmp = `${final}.tmp`;
  ensureDir(final);
  const conn = await sealConnection(s);
  let summary: Record<string, unknown>;
  try {
    summary = readRows(
      await conn.runAndReadAll(
        `SELECT count(*) AS n, epoch_us(min(ts)) AS mn, epoch_us(max(ts)) AS mx, coalesce(sum(${rawBytesSql()} + 1), 0) AS raw, count(${TIME_PLACE}) AS timed, to_json(histogram(level)) AS levels, to_json(histogram(service)) AS services FROM ${inLayout(list)}${where}`,
      ),
    ).rows[0];
    // The file describes itself (the catalog row, the segments it replaces, the offsets it
    // holds), so a lost catalog is rebuilt from the files (recovery.ts).
    const meta = partitionMeta(summary, marker, names, offsets);
    const order = (await inPartitionOrder(conn, list, where)) ? '' : ` ORDER BY ${PARTITION_ORDER}`;
    await conn.run(
      `COPY (SELECT * ${Number(summary.timed) === 0 ? `EXCLUDE (${TIME_PLACE}) ` : ''}FROM ${inLayout(list)}${where}${order}) TO ${sqlString(tmp)} (${partitionFormat(Number(summary.n))}, ${kvMetadataOption(meta)})`,
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
  return { part, summary, final };
}
