/**
 * Segments: each appended batch is one small Parquet file under `<store>/segments/`, written by
 * logpipe (uncompressed), flushed to disk and renamed into place before the batch is
 * acknowledged. Queries read them as they are; a background merge moves them into the active
 * table in large transactions, which DuckDB takes far faster per row than many small ones.
 * Names carry a zero-padded sequence number, so name order is write order, and the catalog's
 * `merged_segment` says which prefix has been merged: a crash between a merge's commit and the
 * files' removal leaves files that the next open deletes, never merges twice.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The folder segments live in, relative to the store directory. */
export const SEGMENTS_DIR = 'segments';

/** An unmerged segment as the engine keeps it in memory. */
export interface Segment {
  /** Path relative to the store directory. */
  file: string;
  bytes: number;
  /** The ingest stamp (epoch µs) of every row in the file. */
  ingestedUs: number;
  /** Next offset per `source \0 generation` after this segment's rows. */
  offsets: [string, number][];
  /** When this process wrote or found it (monotonic ms). */
  writtenAt: number;
}

/** Footer key holding a segment's offsets (JSON pairs of `source \0 generation` and next offset). */
export const OFFSETS_KEY = 'logpipe.offsets';

/** A segment's relative path for a sequence number. */
export function segmentFile(seq: number): string {
  return join(SEGMENTS_DIR, `${String(seq).padStart(12, '0')}.parquet`);
}

/** The sequence number in a segment's path (0 for anything else, such as no segment at all). */
export function seqOf(file: string): number {
  const m = /(\d{12})\.parquet$/.exec(file);
  return m ? Number(m[1]) : 0;
}

/**
 * Writes a segment durably: a temp file, fsync'd, renamed into place, and the folder fsync'd so
 * the rename survives a power cut. A failure removes the temp file and rethrows.
 */
export async function writeSegment(storeDir: string, file: string, data: Uint8Array): Promise<void> {
  const final = join(storeDir, file);
  const tmp = `${final}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      // writeFile goes on after a short write (a disk filling up) until done or failed, so no
      // half-written file is ever renamed into place.
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  try {
    const dir = await open(join(storeDir, SEGMENTS_DIR), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

/** Creates the segments folder when missing. */
export function ensureSegmentsDir(storeDir: string): void {
  mkdirSync(join(storeDir, SEGMENTS_DIR), { recursive: true });
}

/** Segment files on disk, oldest first; unfinished temp files are left out. */
export function listSegments(storeDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(storeDir, SEGMENTS_DIR));
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d{12}\.parquet$/.test(n))
    .sort()
    .map((n) => join(SEGMENTS_DIR, n));
}

/**
 * Deletes what a crash can leave: temp files of unacknowledged appends, and segments already
 * merged (sequence up to `mergedSeq`). Returns how many files went.
 */
export function removeStaleSegments(storeDir: string, mergedSeq: number): number {
  let names: string[];
  try {
    names = readdirSync(join(storeDir, SEGMENTS_DIR));
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    const stale = name.endsWith('.tmp') || (/^\d{12}\.parquet$/.test(name) && seqOf(name) <= mergedSeq);
    if (!stale) continue;
    rmSync(join(storeDir, SEGMENTS_DIR, name), { force: true });
    n++;
  }
  return n;
}
