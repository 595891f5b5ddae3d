/**
 * Segments: the store's unsealed rows, as uncompressed Parquet files under `<store>/segments/`
 * that logpipe writes itself. Each appended batch is one file, flushed to disk and renamed into
 * place before the batch is acknowledged (`000000000042.parquet`, by sequence number). The rows
 * of many appends are then written again as a compacted set, one file per time window, covering
 * the run of sequence numbers they came from (`000000000042-000000000057.1of2.parquet`): once
 * every file of a set exists, the appended files in its range are obsolete. A compacted file
 * listed by a sealed partition's catalog row is obsolete too. So a crash at any moment leaves
 * files that the next open recognises, never rows counted twice.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The folder segments live in, relative to the store directory. */
export const SEGMENTS_DIR = 'segments';

/** A segment file as the engine keeps it in memory. */
export interface Segment {
  /** Path relative to the store directory. */
  file: string;
  /** The sequence numbers it covers: one for an appended batch, a run for a compacted file. */
  first: number;
  last: number;
  compacted: boolean;
  rows: number;
  bytes: number;
  /** Event time range of its rows (epoch µs). */
  minUs: number;
  maxUs: number;
  /** The newest ingest stamp (epoch µs) among its rows. */
  ingestedUs: number;
  /** Next offset per `source \0 generation` after this file's rows. */
  offsets: [string, number][];
}

/** Footer key holding a segment's offsets (JSON pairs of `source \0 generation` and next offset). */
export const OFFSETS_KEY = 'logpipe.offsets';

const pad = (n: number) => String(n).padStart(12, '0');
const APPENDED = /^(\d{12})\.parquet$/;
const COMPACTED = /^(\d{12})-(\d{12})\.(\d+)of(\d+)\.parquet$/;

/** An appended batch's relative path for a sequence number. */
export function segmentFile(seq: number): string {
  return join(SEGMENTS_DIR, `${pad(seq)}.parquet`);
}

/** Part `part` of `parts` of the compacted set covering sequence numbers first..last. */
export function compactedFile(first: number, last: number, part: number, parts: number): string {
  return join(SEGMENTS_DIR, `${pad(first)}-${pad(last)}.${part}of${parts}.parquet`);
}

/** What a segment file's name (or path) says of it; null for anything else. */
export function parseSegmentName(
  path: string,
): { first: number; last: number; compacted: boolean; part: number; parts: number } | null {
  const name = basename(path);
  const a = APPENDED.exec(name);
  if (a) return { first: Number(a[1]), last: Number(a[1]), compacted: false, part: 1, parts: 1 };
  const c = COMPACTED.exec(name);
  if (c) {
    return {
      first: Number(c[1]),
      last: Number(c[2]),
      compacted: true,
      part: Number(c[3]),
      parts: Number(c[4]),
    };
  }
  return null;
}

/** Pieces per writev call, well under any system's IOV_MAX. */
const PIECES_PER_WRITE = 256;
/** Bytes of a file range copied at a time (one buffer per write, reused). */
const COPY_BYTES = 1024 * 1024;

/** Bytes of another file of the store: `size` from byte `at` of `file` (relative to the store directory). */
export interface FileRange {
  file: string;
  at: number;
  size: number;
}

/** What a segment is written from: bytes in memory, or bytes copied from a file of the store. */
export type SegmentPiece = Uint8Array | FileRange;

/**
 * Writes a segment durably from the pieces of its file: a temp file, fsync'd, renamed into
 * place, and the folder fsync'd so the rename survives a power cut. A failure removes the temp
 * file and rethrows.
 */
export async function writeSegment(
  storeDir: string,
  file: string,
  pieces: readonly SegmentPiece[],
): Promise<void> {
  const final = join(storeDir, file);
  const tmp = `${final}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await writePieces(storeDir, fh, pieces);
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

/** Writes pieces in order: runs of bytes as they are, file ranges copied through one buffer. */
async function writePieces(storeDir: string, fh: FileHandle, pieces: readonly SegmentPiece[]): Promise<void> {
  let run: Uint8Array[] = [];
  let buf: Buffer | null = null;
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) {
      run.push(piece);
      continue;
    }
    await writeAll(fh, run);
    run = [];
    buf ??= Buffer.allocUnsafe(COPY_BYTES);
    const src = await open(join(storeDir, piece.file), 'r');
    try {
      for (let done = 0; done < piece.size; ) {
        const want = Math.min(buf.length, piece.size - done);
        const { bytesRead } = await src.read(buf, 0, want, piece.at + done);
        if (bytesRead !== want) {
          throw new Error(
            `${piece.file} ends before the ${piece.size} bytes from byte ${piece.at} it was written with`,
          );
        }
        await writeAll(fh, [buf.subarray(0, want)]);
        done += want;
      }
    } finally {
      await src.close();
    }
  }
  await writeAll(fh, run);
}

/**
 * Writes every piece in order, going on after a short write (a disk filling up) until done or
 * failed, so no half-written file is ever renamed into place.
 */
async function writeAll(fh: FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  let queue = pieces.filter((p) => p.length > 0);
  while (queue.length > 0) {
    const batch = queue.slice(0, PIECES_PER_WRITE);
    let want = 0;
    for (const p of batch) want += p.length;
    let { bytesWritten } = await fh.writev(batch);
    if (bytesWritten === 0) throw new Error('short write: no bytes written');
    if (bytesWritten === want) {
      queue = queue.slice(batch.length);
      continue;
    }
    // Short: skip what went out, resume inside the piece it stopped in.
    let i = 0;
    while (bytesWritten >= batch[i].length) bytesWritten -= batch[i++].length;
    queue = [batch[i].subarray(bytesWritten), ...queue.slice(i + 1)];
  }
}

/** Creates the segments folder when missing. */
export function ensureSegmentsDir(storeDir: string): void {
  mkdirSync(join(storeDir, SEGMENTS_DIR), { recursive: true });
}

/** Which files on disk hold live rows, and which are left over from a crash or an older layout. */
export interface SegmentListing {
  /** Relative paths of the files whose rows count, appended batches and compacted files. */
  live: string[];
  /** Relative paths of files to delete: temp files, obsolete or unfinished ones. */
  stale: string[];
  /** The highest sequence number any name carries. */
  maxSeq: number;
  /** Relative paths of files that are not segments at all (not ours: to quarantine). */
  strays: string[];
}

/**
 * Sorts the segment files on disk into live and stale. `sealed` names compacted files a committed
 * partition took; `mergedSeq` is the last appended batch an older layout merged into its table;
 * files in `absent` (damaged ones, moved aside) are taken as not on disk.
 *
 * A compacted set with parts missing is one of two things. A crash while it was written: then
 * every appended file of its range is still on disk (they are deleted only once the whole set
 * is), and the parts present are stale. Or a whole set whose other parts were sealed and then
 * removed by retention: then none of its appended files is left (a set is sealed only once they
 * are gone), and the parts present are live.
 */
export function listSegments(
  storeDir: string,
  sealed: ReadonlySet<string>,
  mergedSeq = 0,
  absent: ReadonlySet<string> = new Set(),
): SegmentListing {
  let names: string[];
  try {
    names = readdirSync(join(storeDir, SEGMENTS_DIR));
  } catch {
    return { live: [], stale: [], maxSeq: 0, strays: [] };
  }
  const stale: string[] = [];
  const strays: string[] = [];
  const appended: number[] = [];
  const sets = new Map<string, { first: number; last: number; parts: number; names: string[] }>();
  let maxSeq = 0;
  for (const name of names.sort()) {
    const rel = join(SEGMENTS_DIR, name);
    const p = parseSegmentName(name);
    if (p === null) {
      if (!absent.has(rel)) (name.endsWith('.tmp') ? stale : strays).push(rel);
      continue;
    }
    // A damaged file's number stays taken: no new append may reuse its name.
    maxSeq = Math.max(maxSeq, p.last);
    if (absent.has(rel)) continue;
    if (!p.compacted) {
      if (p.first <= mergedSeq) stale.push(rel);
      else appended.push(p.first);
      continue;
    }
    const key = `${p.first}-${p.last}`;
    let set = sets.get(key);
    if (set === undefined) {
      set = { first: p.first, last: p.last, parts: p.parts, names: [] };
      sets.set(key, set);
    }
    set.names.push(rel);
  }
  appended.sort((a, b) => a - b);
  const anyAppendedIn = (first: number, last: number) => {
    // The first appended sequence number at or after `first`, by binary search.
    let lo = 0;
    let hi = appended.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (appended[mid] < first) lo = mid + 1;
      else hi = mid;
    }
    return lo < appended.length && appended[lo] <= last;
  };
  const live: string[] = [];
  const covered: { first: number; last: number }[] = [];
  // A sealed part means its set was whole (only whole sets are ever listed, and so sealed):
  // its range stays covered after its files are gone.
  for (const n of sealed) {
    const p = parseSegmentName(n);
    if (p?.compacted) {
      covered.push(p);
      // New appends must number past it, or the next open would take them for covered.
      maxSeq = Math.max(maxSeq, p.last);
    }
  }
  for (const set of sets.values()) {
    let written = 0;
    for (let part = 1; part <= set.parts; part++) {
      const n = compactedFile(set.first, set.last, part, set.parts);
      if (set.names.includes(n) || sealed.has(n)) written++;
    }
    if (written !== set.parts && anyAppendedIn(set.first, set.last)) {
      stale.push(...set.names);
      continue;
    }
    covered.push(set);
    for (const n of set.names) (sealed.has(n) ? stale : live).push(n);
  }
  covered.sort((a, b) => a.first - b.first);
  for (const seq of appended) {
    const obsolete = covered.some((c) => seq >= c.first && seq <= c.last);
    (obsolete ? stale : live).push(segmentFile(seq));
  }
  live.sort();
  return { live, stale, maxSeq, strays };
}

/** Deletes files of the store (paths relative to it); returns how many went. */
export function removeFiles(storeDir: string, files: readonly string[]): number {
  for (const f of files) rmSync(join(storeDir, f), { force: true });
  return files.length;
}
