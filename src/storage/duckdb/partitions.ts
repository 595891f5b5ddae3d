/**
 * Sealed partitions: Parquet files (zstd) under `<store>/parts/`, one per time window sealed,
 * listed in the `partitions` table with their summaries. A file exists on disk before its
 * catalog row commits and is unlinked only after its row is gone, so a crash at any moment leaves
 * at worst an orphan file, which `removeOrphans` deletes at the next open.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** A sealed partition as the engine keeps it in memory. */
export interface Partition {
  /** Path relative to the store directory. */
  file: string;
  minUs: number;
  maxUs: number;
  rows: number;
  bytes: number;
  rawBytes: number;
  /** Every row in the file was committed at or before this ingest stamp. */
  markerUs: number;
}

/**
 * How partitions are written. Parquet v2 encodings delta-pack the near-monotonic `ts` and
 * `offset` columns: with v1's PLAIN pages they took a third of a partition's bytes.
 */
export const PARTITION_FORMAT =
  'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 9, PARQUET_VERSION V2, ROW_GROUP_SIZE 122880';

/** The folder sealed partitions live in. */
export function partsDir(storeDir: string): string {
  return join(storeDir, 'parts');
}

/** A new partition's file name: its window start, and the ingest marker that makes it unique. */
export function partitionFile(windowStartUs: number, markerUs: number): string {
  const iso = new Date(windowStartUs / 1000).toISOString(); // 2026-01-02T03:00:00.000Z
  return join(
    'parts',
    iso.slice(0, 10),
    `${iso.slice(11, 13)}${iso.slice(14, 16)}-${markerUs.toString(36)}.parquet`,
  );
}

/** The ingest marker a partition's file name carries (see partitionFile). */
export function markerOf(file: string): number {
  const m = /-([0-9a-z]+)\.parquet$/.exec(file);
  return m ? Number.parseInt(m[1], 36) : Number.POSITIVE_INFINITY;
}

/** Flushes a written file and its folder to disk, then moves it into place. */
export function commitFile(tmp: string, final: string): void {
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
  fsyncDir(dirname(final));
}

/** fsync on a directory makes a rename in it durable. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

/** Deletes partition files (and leftover temp files) the catalog does not list. */
export function removeOrphans(storeDir: string, known: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  const root = partsDir(storeDir);
  let days: string[];
  try {
    days = readdirSync(root);
  } catch {
    return removed;
  }
  for (const day of days) {
    const dir = join(root, day);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const rel = relative(storeDir, join(dir, name));
      if (known.has(rel)) continue;
      rmSync(join(dir, name), { force: true });
      removed.push(rel);
    }
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
  return removed;
}

/** Size of a file, 0 when it is missing. */
export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Makes sure a partition's folder exists. */
export function ensureDir(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

/** Whether a partition can hold rows in [fromUs, toUs]. */
export function overlaps(p: Partition, fromUs?: number, toUs?: number): boolean {
  return (fromUs === undefined || p.maxUs >= fromUs) && (toUs === undefined || p.minUs <= toUs);
}
