/**
 * Which content a file holds, decided by its bytes: a newly seen file is the continuation of one
 * let go (a copytruncate copy, a file renamed back), a copy of one still tailed (waited on), a
 * file the checkpoint knows (renamed, or reopened after a restart), content the store already
 * holds, or new content. Inode and device are hints only; the fingerprint (fingerprint.ts) and
 * the bytes just before a position are the proof.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { CheckpointEntry } from './checkpoint.js';
import { type Checkpoints, entryKey } from './checkpointing.js';
import { ANCHOR_BYTES, readFingerprint } from './fingerprint.js';
import type { CommittedPosition, ResolvedOptions } from './options.js';
import { moveTracked, newTracked, type Tracked } from './tracked-file.js';

/** What identifying a file reads and updates of its collector's state. */
export interface IdentityContext {
  readonly opts: ResolvedOptions;
  /** Live files by `dev:ino`. */
  readonly live: Map<string, Tracked>;
  /** Every file with state to checkpoint: live ones and released ones awaiting acks. */
  readonly streams: Set<Tracked>;
  readonly checkpoints: Checkpoints;
  /** Files that look like copies of a live file, waiting for its truncation: key → first seen. */
  readonly maybeCopies: Map<string, number>;
  readonly counts: { rotations: number; truncations: number };
  /** FINGERPRINT_BYTES of scratch space. */
  readonly scratch: Buffer;
  /** The collector's read buffer, for a read outside a batch (whatever it cached is dropped). */
  borrowBuffer(): Buffer;
  /** `t` was found truncated: its stream ends, and a last batch it makes is handed out next. */
  truncated(t: Tracked): void;
  /**
   * Opens a tracked file again that was closed to keep open files bounded; false when it cannot
   * be now. Without it such a file is not compared with new ones.
   */
  reopen?(t: Tracked): Promise<boolean>;
}

/**
 * Works out which content a newly seen file (fingerprint `fp`) holds and starts tailing it, or
 * continues a released file's reading in it; false to skip it for now.
 */
export async function identify(
  ctx: IdentityContext,
  fh: FileHandle,
  fp: string,
  path: string,
  key: string,
  s: Stats,
  first: boolean,
): Promise<boolean> {
  const { opts, checkpoints } = ctx;
  // 1. The continuation of a file let go while its acks are pending: a copytruncate copy,
  //    or a file renamed back into the globs. It carries on in the same source and generation.
  for (const t of ctx.streams) {
    if (t.released && t.fingerprint === fp && (await continuesIn(t, fh))) {
      adopt(ctx, t, fh, path, key, s);
      return true;
    }
  }
  // 2. A copy of a file still tailed: copytruncate copies first and truncates after, so
  //    wait a little for the original's truncation before reading this as a file of its own.
  for (const t of [...ctx.live.values()]) {
    if (t.fingerprint !== fp) continue;
    if (!t.fh && ctx.reopen) await ctx.reopen(t); // closed to keep open files bounded
    const tfh = t.fh;
    if (!tfh) continue;
    const st = await tfh.stat();
    if (st.size < t.readPos || !(await tailIntact(t, ctx.scratch))) {
      ctx.truncated(t);
      if (await continuesIn(t, fh)) {
        adopt(ctx, t, fh, path, key, s);
        return true;
      }
      continue;
    }
    if (await samePrefix(fh, s.size, tfh, Math.min(st.size, t.readPos))) {
      const since = ctx.maybeCopies.get(key) ?? Date.now();
      ctx.maybeCopies.set(key, since);
      if (Date.now() - since < opts.copyWaitMs) return false;
    }
  }
  ctx.maybeCopies.delete(key);

  // 3. A file known from the checkpoint: same fingerprint and the same bytes before its offset.
  const match = await matchKnown(checkpoints.known, fp, path, s, fh);
  let start = 0;
  let skip = false;
  let source = path;
  let generation: string | undefined;
  if (match && !match.truncated) {
    start = match.entry.offset;
    skip = match.entry.skip;
    source = match.entry.source;
    generation = match.entry.generation;
    checkpoints.known.delete(entryKey(source, generation));
    if (match.entry.path !== path) ctx.counts.rotations++;
  } else {
    // 4. New content.
    if (match) {
      source = match.entry.source;
      ctx.counts.truncations++;
      opts.onWarning(`${path}: shorter than its checkpoint; it was truncated and is read from the start`);
    } else {
      const known = await matchCommitted(opts, fp, fh, (await fh.stat()).size);
      if (known) {
        // 5. Content the store holds but the checkpoint had not recorded yet: carry on after it.
        ctx.counts.rotations++;
        source = known.source;
        start = known.next;
      } else if (first && checkpoints.status === 'missing' && opts.startAt === 'end') {
        start = await lastLineEnd(fh, s.size, ctx.borrowBuffer());
      }
      if (known) {
        generation = known.generation;
        checkpoints.known.delete(entryKey(source, generation));
      }
    }
  }
  generation ??= newGeneration(checkpoints.known, ctx.streams, source, fp);
  // The bytes before the start: from the checkpoint, or read now from the content just matched.
  let tail: Buffer | null = null;
  if (match && !match.truncated && match.entry.anchor !== '')
    tail = Buffer.from(match.entry.anchor, 'base64');
  else if (start > 0) tail = await readTail(fh, start);
  const t = newTracked(opts, key, path, fh, s, fp, { source, generation, start, skip, tail });
  ctx.live.set(key, t);
  ctx.streams.add(t);
  checkpoints.dirty = true;
  return true;
}

/** Continues a released file's reading in another file holding the same content. */
function adopt(ctx: IdentityContext, t: Tracked, fh: FileHandle, path: string, key: string, s: Stats): void {
  moveTracked(t, fh, path, key, s);
  ctx.live.set(key, t);
  ctx.maybeCopies.delete(key);
  ctx.counts.rotations++;
  ctx.checkpoints.dirty = true;
}

/** True unless the bytes just before the read position differ from what was read there. */
export async function tailIntact(t: Tracked, scratch: Buffer): Promise<boolean> {
  if (!t.fh) return true;
  if (t.tailPos === t.readPos && t.readPos > 0) return equalsAt(t.fh, t.readPos, t.tail);
  // Nothing read yet (or the tail is unknown): at least the first line must be the same.
  return (await readFingerprint(t.fh, scratch)) === t.fingerprint;
}

/**
 * True when `fh` holds what `t` read, up to its read position: `t` can continue in it. The size
 * is looked at now, not taken from discovery: a copy still being written when discovery saw it
 * is complete once its original has been truncated, and that is when this is asked.
 */
export async function continuesIn(t: Tracked, fh: FileHandle): Promise<boolean> {
  const { size } = await fh.stat();
  if (size < t.readPos) return false;
  if (t.readPos === 0) return true;
  return t.tailPos === t.readPos && equalsAt(fh, t.readPos, t.tail);
}

/** Finds the checkpoint entry of this content: same fingerprint and same bytes before its offset. */
export async function matchKnown(
  known: Map<string, CheckpointEntry>,
  fp: string,
  path: string,
  s: Stats,
  fh: FileHandle,
): Promise<{ entry: CheckpointEntry; truncated: boolean } | null> {
  const cands: CheckpointEntry[] = [];
  for (const e of known.values()) if (e.fingerprint === fp) cands.push(e);
  const sameFile = (e: CheckpointEntry) => e.dev === s.dev && e.ino === s.ino;
  const score = (e: CheckpointEntry) => (sameFile(e) ? 2 : 0) + (e.path === path ? 1 : 0);
  cands.sort((a, b) => score(b) - score(a) || b.updated - a.updated);
  for (const c of cands) {
    if (s.size >= c.offset) {
      if (c.offset === 0) return { entry: c, truncated: false };
      if (c.anchor !== '') {
        if (await equalsAt(fh, c.offset, Buffer.from(c.anchor, 'base64')))
          return { entry: c, truncated: false };
      } else if (score(c) > 0) {
        return { entry: c, truncated: false }; // nothing to compare: trust the hints
      }
    } else if (score(c) === 3) {
      return { entry: c, truncated: true };
    }
  }
  return null;
}

/**
 * Asks the store (when wired) for content with this fingerprint, and checks the file holds the
 * store's last line at its offset, so a file that merely shares a first line is not taken for it.
 */
export async function matchCommitted(
  opts: Pick<ResolvedOptions, 'lookupCommitted' | 'onWarning'>,
  fp: string,
  fh: FileHandle,
  size: number,
): Promise<{ source: string; generation: string; next: number } | null> {
  if (!opts.lookupCommitted) return null;
  let found: CommittedPosition[];
  try {
    found = await opts.lookupCommitted(fp);
  } catch (err) {
    opts.onWarning(`cannot ask the store about a file's content: ${(err as Error).message}`);
    return null;
  }
  for (const c of found) {
    const line = Buffer.from(`${c.raw}\n`, 'utf8');
    if (size < c.offset + line.length) continue;
    if (!(await equalsAt(fh, c.offset + line.length, line))) continue;
    // Even when a stream of this content is still open (a copytruncate copy seen before the
    // original's truncation was noticed), the same identity is right: equal bytes at equal
    // offsets are the same events, and the store keeps each (source, generation, offset) once.
    return { source: c.source, generation: c.generation, next: c.offset + line.length };
  }
  return null;
}

/** The fingerprint as generation, with a suffix when this source already had that content id. */
export function newGeneration(
  known: Map<string, CheckpointEntry>,
  streams: Iterable<Tracked>,
  source: string,
  fp: string,
): string {
  const taken = (g: string) => {
    if (known.has(entryKey(source, g))) return true;
    for (const t of streams) if (t.stamp.source === source && t.stamp.generation === g) return true;
    return false;
  };
  let gen = fp;
  for (let n = 1; taken(gen); n++) gen = `${fp}-${n}`;
  return gen;
}

/** True when the file holds exactly `bytes` just before `offset`. */
export async function equalsAt(fh: FileHandle, offset: number, bytes: Buffer): Promise<boolean> {
  if (bytes.length === 0) return true;
  if (offset < bytes.length) return false;
  const buf = Buffer.alloc(bytes.length);
  const { bytesRead } = await fh.read(buf, 0, bytes.length, offset - bytes.length);
  return bytesRead === bytes.length && buf.equals(bytes);
}

/** The bytes just before `offset` (up to ANCHOR_BYTES), or null when the file is shorter. */
export async function readTail(fh: FileHandle, offset: number): Promise<Buffer | null> {
  const len = Math.min(ANCHOR_BYTES, offset);
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, offset - len);
  return bytesRead === len ? buf : null;
}

/** True when two files hold the same bytes just before `upTo` (both sizes permitting). */
export async function samePrefix(
  a: FileHandle,
  aSize: number,
  b: FileHandle,
  upTo: number,
): Promise<boolean> {
  const end = Math.min(aSize, upTo);
  const len = Math.min(ANCHOR_BYTES, end);
  if (len === 0) return true;
  const x = Buffer.alloc(len);
  const y = Buffer.alloc(len);
  const [rx, ry] = await Promise.all([a.read(x, 0, len, end - len), b.read(y, 0, len, end - len)]);
  return rx.bytesRead === len && ry.bytesRead === len && x.equals(y);
}

/** The offset just past the last newline before `size`: where "start at the end" begins. */
export async function lastLineEnd(fh: FileHandle, size: number, buf: Buffer): Promise<number> {
  let end = size;
  while (end > 0) {
    const len = Math.min(buf.length, end);
    const { bytesRead } = await fh.read(buf, 0, len, end - len);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
    if (nl !== -1) return end - len + nl + 1;
    end -= len;
  }
  return 0;
}
