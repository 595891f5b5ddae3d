/**
 * Merging small partitions: live ingest seals each window as it ends, so a quiet store gains a
 * small file an hour. Runs of adjacent small partitions (by time) are rewritten as one file,
 * sorted by time, swapped in for them in one catalog commit, the way a seal swaps a partition in
 * for its segments: queries take the lists in one step, never seeing a row twice or missing one.
 *
 * Crash safety follows the seal's: the merged file is written, fsynced and renamed before its
 * catalog row commits, and names in its footer the segments its rows were first sealed from
 * (all its parts' segments). Uncommitted, those segments are all claimed by the listed parts,
 * so the next open deletes the merged file as redundant; committed, the parts are unlisted and
 * noted as retired in the same commit, so a part still on disk is deleted, not adopted; with the
 * catalog lost, the merged file names more segments than any part and is adopted first, its
 * parts then redundant.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { insertPartition, partitionSources, retireIn } from './catalog.js';
import { dropFile } from './leases.js';
import type { Partition } from './partitions.js';
import { writePartition } from './seal.js';
import { furthestOffsets, type StoreState, withCatalog } from './state.js';
import { sealError } from './store-errors.js';

/**
 * Merges runs of adjacent partitions of fewer than `mergeRows` rows each, at least `mergeFiles`
 * of them, into files of at most `mergeRows` rows. With age retention, a run spans at most a
 * quarter of it, and with size retention it holds at most a quarter of the size: retention
 * removes whole files (retention.ts), so a merged file is never what keeps it from its bound.
 */
export async function mergeSmall(s: StoreState): Promise<void> {
  if (s.dir === null || s.closed) return;
  const { mergeRows, mergeFiles, partitionBytes } = s.compaction;
  const small = s.partitions.filter((p) => p.rows < mergeRows);
  if (small.length < mergeFiles) return;
  const sources = await s.onWriter(() => partitionSources(s.writer));
  const ret = s.opts.retention;
  const maxSpanUs = ret?.maxAgeMs !== undefined ? (ret.maxAgeMs * 1000) / 4 : Number.POSITIVE_INFINITY;
  // Size retention removes whole files: a merged one holds at most a quarter of the limit.
  const maxBytes = Math.min(
    partitionBytes,
    ret?.maxBytes !== undefined ? ret.maxBytes / 4 : Number.POSITIVE_INFINITY,
  );
  const runs: Partition[][] = [];
  let run: Partition[] = [];
  let rows = 0;
  let bytes = 0;
  let minUs = 0;
  const flush = () => {
    if (run.length >= mergeFiles) runs.push(run);
    run = [];
    rows = 0;
    bytes = 0;
  };
  for (const p of [...s.partitions].sort((a, b) => a.minUs - b.minUs)) {
    const src = sources.get(p.file);
    if (p.rows >= mergeRows || src === undefined || src.segments === null) {
      flush();
      continue;
    }
    if (
      run.length > 0 &&
      (rows + p.rows > mergeRows || bytes + p.bytes > maxBytes || p.maxUs - minUs > maxSpanUs)
    )
      flush();
    if (run.length === 0) minUs = p.minUs;
    run.push(p);
    rows += p.rows;
    bytes += p.bytes;
  }
  flush();
  for (const r of runs) {
    if (s.closed) return;
    await mergeRun(s, r, sources);
  }
}

async function mergeRun(
  s: StoreState,
  parts: Partition[],
  sources: Map<string, { segments: string[] | null; offsets: [string, number][] }>,
): Promise<void> {
  const dir = s.dir!;
  const names: string[] = [];
  let marker = 0;
  for (const p of parts) {
    names.push(...(sources.get(p.file)!.segments ?? []));
    marker = Math.max(marker, p.markerUs);
  }
  const offsets = furthestOffsets(parts.map((p) => sources.get(p.file)!.offsets));
  const { part, summary, final } = await writePartition(
    s,
    parts.map((p) => join(dir, p.file)),
    Math.min(...parts.map((p) => p.minUs)),
    marker,
    names,
    [...offsets],
  );
  const files = parts.map((p) => p.file);
  try {
    await withCatalog(s, () =>
      s.onWriter(async () => {
        await s.writer.run('BEGIN TRANSACTION');
        try {
          await insertPartition(s.writer, part, summary, names, [...offsets]);
          await retireIn(s.writer, files);
          await s.writer.run('COMMIT');
        } catch (err) {
          await s.writer.run('ROLLBACK').catch(() => {});
          throw err;
        }
        // Swapped in the same step as the commit (see withCatalog).
        const gone = new Set(parts);
        s.partitions = [...s.partitions.filter((p) => !gone.has(p)), part].sort((a, b) => a.minUs - b.minUs);
      }),
    );
  } catch (err) {
    rmSync(final, { force: true });
    throw sealError(err);
  }
  for (const f of files) dropFile(s.files, f);
}
