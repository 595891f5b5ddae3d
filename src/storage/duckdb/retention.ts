/**
 * Retention: partitions older than `maxAgeMs` (and the active table's rows) are removed, then the
 * oldest partitions while the store takes more than `maxBytes`. A partition's catalog row goes
 * first (noted as retired, so the next open deletes a file left behind rather than adopting
 * it); its file goes once no query reads it.
 */
import type { MaintenanceReport } from '../../core/storage.js';
import { retirePartition } from './catalog.js';
import { dropFile } from './leases.js';
import { fileSize, type Partition } from './partitions.js';
import { ACTIVE_TABLE } from './schema.js';
import { type StoreState, withCatalog } from './state.js';

/** Applies the store's retention options, adding what it removed to `report`. */
export async function applyRetention(s: StoreState, report: MaintenanceReport): Promise<void> {
  const ret = s.opts.retention;
  if (!ret) return;
  if (ret.maxAgeMs !== undefined) {
    const cutoffUs = (s.now() - ret.maxAgeMs) * 1000;
    for (const p of [...s.partitions]) if (p.maxUs < cutoffUs) await removePartition(s, p, report);
    const deleted = await s.onWriter(async () => {
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
