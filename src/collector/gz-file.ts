/**
 * Rotated files compressed with gzip (`app.log.1.gz`): finished files, read once, whole, as the
 * text they decompress to. Their identity and offsets are the text's, the same as the plain file
 * they were made from: a fingerprint of the first line, byte offsets in the decompressed stream,
 * and the bytes before a checkpoint offset. So the `.gz` of a file already read (logrotate's
 * compress step) continues where that file's reading ended, which is usually its end, and a .gz
 * read before a restart is decompressed up to its checkpoint and compared there, not read again.
 *
 * A .gz is only read once it has not changed for `releaseAfterMs`: gzip writes it a block at a
 * time, and a half-written one would look truncated. Damaged data (truncated, corrupt) ends the
 * reading at the last whole line before it, with a warning naming the file.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ANCHOR_BYTES } from './fingerprint.js';

/**
 * Compressed bytes per read, and text per decompressed chunk. A stream holds about three such
 * chunks (one read, one in zlib, one decompressed), and one .gz is read at a time.
 */
const READ_BYTES = 128 * 1024;

/** A .gz file's decompressed text being read, and what its checkpoint needs. */
export interface GzReading {
  chunks: AsyncIterator<Buffer>;
  stop: () => void;
  /** The chunk being scanned, its text offset, and how far it was scanned. */
  chunk: Buffer | null;
  chunkPos: number;
  cursor: number;
  /** Up to ANCHOR_BYTES of text just before `chunkPos`. */
  before: Buffer;
  /** The bytes before the last resume offset seen (the checkpoint anchor there). */
  anchorAt: number;
  anchor: Buffer;
  /** Anchors of batch ends not yet acknowledged, by offset (the checkpoint reads them). */
  anchors: Map<number, Buffer>;
  ended: boolean;
  /** Why the data ended early, or null. */
  damage: string | null;
}

/** Compressed bytes read from `fh` in turn, with positioned reads: the handle is never closed here. */
async function* compressedBytes(fh: FileHandle, stopped: { now: boolean }): AsyncGenerator<Buffer> {
  let pos = 0;
  while (!stopped.now) {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    const { bytesRead } = await fh.read(buf, 0, READ_BYTES, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/** Starts decompressing `fh` from its beginning (the handle stays open: its owner closes it). */
export function startGz(fh: FileHandle): GzReading {
  const stopped = { now: false };
  const gunzip = createGunzip({ chunkSize: READ_BYTES });
  // A failure surfaces as the gunzip stream's own error, where its chunks are read.
  pipeline(Readable.from(compressedBytes(fh, stopped), { highWaterMark: 1 }), gunzip).catch(() => {});
  return {
    chunks: (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator](),
    stop: () => {
      stopped.now = true;
      gunzip.destroy();
    },
    chunk: null,
    chunkPos: 0,
    cursor: 0,
    before: Buffer.alloc(0),
    anchorAt: 0,
    anchor: Buffer.alloc(0),
    anchors: new Map(),
    ended: false,
    damage: null,
  };
}

/** The last `n` bytes of `a` followed by `b`'s first `k` (a copy, never more than `n` bytes). */
function lastBytes(a: Buffer, b: Buffer, k: number, n: number): Buffer {
  if (k >= n) return Buffer.from(b.subarray(k - n, k));
  const fromA = Math.min(a.length, n - k);
  return Buffer.concat([a.subarray(a.length - fromA), b.subarray(0, k)]);
}

/**
 * The next chunk to scan, or null at the end (or at damage, noted in `g.damage`). The chunk just
 * scanned moves into `before`.
 */
export async function nextChunk(g: GzReading): Promise<Buffer | null> {
  if (g.chunk) {
    g.before = lastBytes(g.before, g.chunk, g.chunk.length, ANCHOR_BYTES);
    g.chunkPos += g.chunk.length;
    g.chunk = null;
    g.cursor = 0;
  }
  if (g.ended) return null;
  try {
    for (;;) {
      const r = await g.chunks.next();
      if (r.done) break;
      if (r.value.length === 0) continue;
      g.chunk = r.value;
      return g.chunk;
    }
  } catch (err) {
    g.damage = (err as Error).message;
  }
  g.ended = true;
  g.stop();
  return null;
}

/**
 * Decompresses up to text offset `to` (or the end, when shorter; Infinity for the end) without
 * handing anything on, and returns where it stopped and up to `keep` bytes of text before it.
 * Reading then continues from there.
 */
export async function skipTo(
  g: GzReading,
  to: number,
  keep: number,
): Promise<{ at: number; before: Buffer }> {
  let kept: Buffer = Buffer.alloc(0);
  for (;;) {
    const c = g.chunk ?? (await nextChunk(g));
    if (c === null) return { at: g.chunkPos, before: kept };
    const want = Math.min(c.length, to - g.chunkPos);
    kept = lastBytes(kept, c, want, keep);
    if (want < c.length) {
      g.cursor = want;
      g.before = lastBytes(g.before, c, want, ANCHOR_BYTES);
      // `before` must be the bytes before chunkPos: keep the chunk's rest as the chunk.
      g.chunk = c.subarray(want);
      g.chunkPos += want;
      g.cursor = 0;
      return { at: g.chunkPos, before: kept };
    }
    await nextChunk(g);
    if (g.chunkPos >= to) return { at: g.chunkPos, before: kept };
  }
}

/** Notes the anchor (bytes before) at `resume`, a text offset in the chunk being scanned. */
export function noteAnchor(g: GzReading, resume: number): void {
  if (resume === g.anchorAt) return;
  if (g.chunk === null) {
    // At the end (every chunk scanned): `before` holds the text's last bytes.
    if (resume === g.chunkPos) {
      g.anchor = Buffer.from(g.before);
      g.anchorAt = resume;
    }
    return;
  }
  if (resume < g.chunkPos) return; // an unfinished line that began in an earlier chunk: noted there
  g.anchor = lastBytes(g.before, g.chunk, resume - g.chunkPos, ANCHOR_BYTES);
  g.anchorAt = resume;
}
