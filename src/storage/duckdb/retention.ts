/**
 * Retention: partitions whose newest row is older than `maxAgeMs` (and the active table's rows)
 * are removed, and a partition that straddles the cutoff with at least a quarter of its time
 * span expired is rewritten without its expired rows; then the oldest partitions go while the
 * store takes more than `maxBytes`. A partition's catalog row goes first (noted as retired, so
 * the next open deletes a file left behind rather than adopting it); its file goes once no query
 * reads it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MaintenanceReport } from '../../core/storage.js';
import { insertPartition, partitionSources, retireIn, retirePartition } from './catalog.js';
import { activeTableKept } from './catalog-layout.js';
import { dropFile } from './leases.js';
import { fileSize, type Partition } from './partitions.js';
import { ACTIVE_TABLE } from './schema.js';
import { writePartition } from './seal.js';
import { type StoreState, withCatalog } from './state.js';
import { sealError } from './store-errors.js';

/** Applies the store's retention options, adding what it removed to `report`. */
export async function applyRetention(s: StoreState, report: MaintenanceReport): Promise<void> {
  const ret = s.opts.retention;
  if (!ret) return;
  if (ret.maxAgeMs !== undefined) {
    const cutoffUs = (s.now() - ret.maxAgeMs) * 1000;
    for (const p of [...s.partitions]) if (p.maxUs < cutoffUs) await removePartition(s, p, report);
    // A long file (history imported at once, merged small files) keeps its rows until its newest
    // expires unless trimmed: trimmed once a quarter of its span is past the cutoff, so rows
    // outlive the retention by at most a third of the file's remaining span, and a file is not
    // rewritten at every pass.
    const straddling = s.partitions.filter(
      (p) => p.minUs < cutoffUs && (cutoffUs - p.minUs) * 4 >= p.maxUs - p.minUs,
    );
    if (straddling.length > 0 && s.dir !== null) {
      const sources = await s.onWriter(() => partitionSources(s.writer));
      for (const p of straddling) {
        const src = sources.get(p.file);
        if (src?.segments) await trimPartition(s, p, cutoffUs, src.segments, src.offsets, report);
      }
    }
    const deleted = await s.onWriter(async () => {
      // A file store of today's layout has no active table, only an empty view of that name.
      if (!(await activeTableKept(s.writer))) return 0;
      const r = await s.writer.run(
        `DELETE FROM ${ACTIVE_TABLE} WHERE ts < make_timestamp(${Math.floor(cutoffUs)}::BIGINT)`,
      );
      return r.rowsChanged;
    });
    report.removed_rows += Number(deleted);
  }
  if (ret.maxBytes !== undefined && s.dir) {
    // Measured afresh each round: removing a partition writes to the catalog (and its WAL) too.
    const total = () =>
      s.partitions.reduce(
        (n, p) => n + p.bytes,
        fileSize(s.opts.path) + fileSize(`${s.opts.path}.wal`) + s.unsealedBytes,
      );
    while (total() > ret.maxBytes && s.partitions.length > 0) {
      await removePartition(s, s.partitions[0], report);
    }
    if (total() > ret.maxBytes) {
      s.opts.log?.warn(`the store's unsealed data alone (${total()} bytes) exceeds retention.max_size`);
    }
  }
}

async function removePartition(s: StoreState, p: Partition, report: MaintenanceReport): Promise<void> {
  await withCatalog(s, async () => {
    // Noted as retired in the same commit: a file whose unlink never happened is not taken for one
    // the catalog lost at the next open.
    await s.onWriter(() => retirePartition(s.writer, p.file));
    s.partitions = s.partitions.filter((x) => x !== p);
  });
  dropFile(s.files, p.file);
  report.removed++;
  report.removed_rows += p.rows;
  report.freed_bytes += p.bytes;
}

/**
 * Rewrites `p` without its rows older than `cutoffUs`, swapped in for it as a merge is
 * (merge.ts): the new file names the same segments, with a higher marker, so after a crash the
 * next open keeps exactly one of the two.
 */
async function trimPartition(
  s: StoreState,
  p: Partition,
  cutoffUs: number,
  names: string[],
  offsets: [string, number][],
  report: MaintenanceReport,
): Promise<void> {
  const { part, summary, final } = await writePartition(
    s,
    [join(s.dir!, p.file)],
    cutoffUs,
    p.markerUs + 1,
    names,
    offsets,
    ` WHERE ts >= make_timestamp(${Math.floor(cutoffUs)}::BIGINT)`,
  );
  try {
    await withCatalog(s, () =>
      s.onWriter(async () => {
        await s.writer.run('BEGIN TRANSACTION');
        try {
          await insertPartition(s.writer, part, summary, names, offsets);
          await retireIn(s.writer, [p.file]);
          await s.writer.run('COMMIT');
        } catch (err) {
          await s.writer.run('ROLLBACK').catch(() => {});
          throw err;
        }
        s.partitions = [...s.partitions.filter((x) => x !== p), part].sort((a, b) => a.minUs - b.minUs);
      }),
    );
  } catch (err) {
    rmSync(final, { force: true });
    throw sealError(err);
  }
  dropFile(s.files, p.file);
  report.removed_rows += p.rows - part.rows;
  report.freed_bytes += Math.max(0, p.bytes - part.bytes);
}
