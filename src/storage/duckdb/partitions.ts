/**
 * Sealed partitions: Parquet files (zstd) under `<store>/parts/`, one per time window sealed,
 * listed in the `partitions` table with their summaries and describing themselves in their
 * footers (partition-meta.ts). A file exists on disk before its catalog row commits and is
 * unlinked only after its row is gone, so a crash at any moment leaves at worst a file the
 * catalog does not list, which the next open places from its own metadata (recovery.ts).
 */
import {
  closeSync,
  type Dirent,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

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
function formatAt(level: number): string {
  return `FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${level}, PARQUET_VERSION V2, ROW_GROUP_SIZE 122880`;
}

/** zstd's level for files of more than SMALL_FILE_ROWS rows (see partitionFormat). */
const LARGE_FILE_LEVEL = 8;
export const PARTITION_FORMAT = formatAt(LARGE_FILE_LEVEL);

/** Files of at most this many rows are written at SMALL_FILE_LEVEL. */
export const SMALL_FILE_ROWS = 20_000;

/**
 * zstd's level for small files. A file of 10,000 Apache lines over 4 days: 94,364 bytes at
 * level 9 (COPY 93-222 ms), 91,281 at 15 (131-256 ms), 90,599 at 19 (163-297 ms). On 40,000
 * lines level 19 saved 1 % (454,115 against 458,483 bytes of store) and made the import 1.7-2.5 s
 * slower (40-60 µs a row; level 15 saved nothing there): a large import cannot pay that, while a
 * small store, where every kilobyte is a share of the whole, pays under a second.
 */
const SMALL_FILE_LEVEL = 19;

/**
 * The order of a partition's rows: by source, then time. Lines of one file sit together, so
 * zstd sees one system's lines at a time instead of thirty interleaved, and each source's
 * offsets delta-pack. 200,000 real-shaped lines of 30 systems over 181 days: 10.19 MB in time
 * order, 7.86 MB in this one (raw 4.59 → 3.87 MB, message 1.98 → 1.45, fields 1.86 → 1.45,
 * offset 0.47 → 0.17). Time ranges are pruned by file (the catalog); inside a file a time
 * filter reads every row group of the sources it touches, a scan of at most one file's rows.
 */
export const PARTITION_ORDER = 'source, ts';

/**
 * The COPY options of a partition of `rows` rows. Larger files stay at level 8, which on these
 * rows compresses as well as 9 for less work: 889,665 real-shaped rows written again in one COPY
 * took 31.07 MB in 2.64 s of CPU at 8, 31.23 MB in 2.94–3.02 s at 9, 31.74 MB in 2.27 s at 7,
 * 33.25 MB in 1.68 s at 5 (written as the import sealed them, four files: 8 gave 0.1–1.0 % fewer
 * bytes each, CPU within 5 %); 1M access rows 12.24 MB at 8 and at 9, in 5 % less CPU
 * (2026-12-07). At level 9 before: the two
 * partitions of 1M real-shaped lines (30 systems, 31.0 MB at level 9, COPY 5.8 s of CPU) took
 * 30.6 MB at level 12 (10.0 s), 30.2 MB at 15 (28.4 s) and about 12 % less at 19 for 40 times
 * the CPU (246 s): the import itself takes 16 s of CPU. Row groups of 500,000 rows instead of
 * 122,880 changed them by 0.3 %.
 */
export function partitionFormat(rows: number): string {
  return rows <= SMALL_FILE_ROWS ? formatAt(SMALL_FILE_LEVEL) : PARTITION_FORMAT;
}

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

/** What lies under `parts/`: partition files by name, unfinished writes, and anything else. */
export interface PartsOnDisk {
  /** Relative paths named as partitions are (`parts/<day>/<HHMM>-<marker>.parquet`). */
  files: string[];
  /** Temp files of writes never renamed into place. */
  temps: string[];
  /** Anything else: not the store's. */
  strays: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const NAME = /^\d{4}-[0-9a-z]+\.parquet$/;

/** Lists the files under `parts/`. */
export function scanParts(storeDir: string): PartsOnDisk {
  const out: PartsOnDisk = { files: [], temps: [], strays: [] };
  const root = partsDir(storeDir);
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true, recursive: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory()) continue;
    const rel = relative(storeDir, join(e.parentPath, e.name));
    const parts = relative(root, join(e.parentPath, e.name)).split(sep);
    if (e.name.endsWith('.tmp')) out.temps.push(rel);
    else if (e.isFile() && parts.length === 2 && DAY.test(parts[0]) && NAME.test(parts[1]))
      out.files.push(rel);
    else out.strays.push(rel);
  }
  out.files.sort();
  return out;
}

/** Removes the day folders under `parts/` that hold nothing any more. */
export function removeEmptyDays(storeDir: string): void {
  const root = partsDir(storeDir);
  let days: string[];
  try {
    days = readdirSync(root);
  } catch {
    return;
  }
  for (const day of days) {
    try {
      if (readdirSync(join(root, day)).length === 0)
        rmSync(join(root, day), { recursive: true, force: true });
    } catch {
      // Not a folder, or gone already.
    }
  }
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
