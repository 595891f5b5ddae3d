/**
 * Which content a newly seen .gz file holds, by its decompressed text: the continuation of a
 * file the checkpoint knows (a rotation logrotate compressed after it was read, or a .gz read
 * before a restart), content the store already holds, or new content. Like file-identity.ts for
 * plain files, with the comparisons made on the text, which costs decompressing up to the offset
 * compared (a .gz is finished, so its text never changes under it).
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { entryKey } from './checkpointing.js';
import { binaryReason, SNIFF_BYTES } from './content-sniff.js';
import { type IdentityContext, newGeneration } from './file-identity.js';
import { ANCHOR_BYTES, FINGERPRINT_BYTES, fingerprintOf } from './fingerprint.js';
import { type GzReading, skipTo, startGz } from './gz-file.js';
import { newTracked } from './tracked-file.js';

/** What became of a .gz file: tracked (read from now on), not now (look again), or never (done with it). */
export type GzOutcome = 'tracked' | 'later' | 'never';

/** The text's first bytes, up to SNIFF_BYTES (fewer when the text is shorter or damaged). */
async function textHead(fh: FileHandle): Promise<Buffer> {
  const g = startGz(fh);
  const parts: Buffer[] = [];
  let n = 0;
  try {
    while (n < SNIFF_BYTES) {
      const r = await g.chunks.next();
      if (r.done) break;
      parts.push(r.value);
      n += r.value.length;
    }
  } catch {
    // damaged: what came before is the head; reading it reports the damage
  } finally {
    g.stop();
  }
  return Buffer.concat(parts);
}

/**
 * Identifies the .gz file open as `fh` and starts its reading (`ctx.live`), or says to leave it
 * (`reason` set when it is not text). `first`: the collector's first look, for `startAt: end`.
 */
export async function identifyGz(
  ctx: IdentityContext,
  fh: FileHandle,
  path: string,
  key: string,
  s: Stats,
  first: boolean,
): Promise<{ outcome: GzOutcome; reason?: string }> {
  const { opts, checkpoints } = ctx;
  // Still being written (gzip writes block by block): looked at again once quiet.
  if (Date.now() - s.mtimeMs < opts.releaseAfterMs) return { outcome: 'later' };
  // One .gz at a time: a directory of a year's rotations is decompressed in turn, in the memory
  // of one stream, not hundreds at once.
  for (const t of ctx.live.values()) if (t.gz !== null && !t.released) return { outcome: 'later' };
  const head = await textHead(fh);
  if (head.length === 0) return { outcome: 'never' };
  const reason = binaryReason(head);
  if (reason !== null) return { outcome: 'never', reason };
  const firstBytes = head.subarray(0, FINGERPRINT_BYTES);
  const fp = fingerprintOf(firstBytes) ?? createHash('sha256').update(firstBytes).digest('hex').slice(0, 16);
  // The same content still being read as a plain file (rotated, then compressed and removed):
  // once that file is let go and its checkpoint entry settled, the entry says where this one
  // starts. A live file that merely shares the first line holds other bytes before its position.
  for (const t of ctx.streams) {
    if (t.fingerprint !== fp || t.gz !== null) continue;
    if (t.released || t.tailPos !== t.readPos || t.readPos === 0) return { outcome: 'later' };
    const g = startGz(fh);
    const { at, before } = await skipTo(g, t.readPos, ANCHOR_BYTES);
    g.stop();
    if (at === t.readPos && before.equals(t.tail)) return { outcome: 'later' };
  }

  // A checkpoint entry of this content: the text must hold the entry's anchor before its offset.
  const cands = [...checkpoints.known.values()].filter((e) => e.fingerprint === fp);
  const score = (e: (typeof cands)[number]) =>
    (e.dev === s.dev && e.ino === s.ino ? 2 : 0) + (e.path === path ? 1 : 0);
  cands.sort((a, b) => score(b) - score(a) || b.updated - a.updated);
  for (const e of cands) {
    const g = startGz(fh);
    const { at, before } = await skipTo(g, e.offset, ANCHOR_BYTES);
    const anchor = Buffer.from(e.anchor, 'base64');
    const same = e.offset === 0 || (anchor.length > 0 ? before.equals(anchor) : score(e) === 3); // nothing to compare: trust the hints
    if (g.damage === null && at === e.offset && same) {
      checkpoints.known.delete(entryKey(e.source, e.generation));
      if (e.path !== path) ctx.counts.rotations++;
      track(ctx, fh, path, key, s, fp, g, e.source, e.generation, e.offset, before);
      return { outcome: 'tracked' };
    }
    g.stop();
  }
  // Content the store holds: the text has the store's last line of it at its offset.
  if (opts.lookupCommitted) {
    let found: Awaited<ReturnType<NonNullable<typeof opts.lookupCommitted>>> = [];
    try {
      found = await opts.lookupCommitted(fp);
    } catch (err) {
      opts.onWarning(`cannot ask the store about a file's content: ${(err as Error).message}`);
    }
    for (const c of found) {
      const line = Buffer.from(`${c.raw}\n`, 'utf8');
      const next = c.offset + line.length;
      const g = startGz(fh);
      const { at, before } = await skipTo(g, next, Math.max(line.length, ANCHOR_BYTES));
      if (g.damage === null && at === next && before.subarray(before.length - line.length).equals(line)) {
        checkpoints.known.delete(entryKey(c.source, c.generation));
        ctx.counts.rotations++;
        track(ctx, fh, path, key, s, fp, g, c.source, c.generation, next, before);
        return { outcome: 'tracked' };
      }
      g.stop();
    }
  }
  // New content: from its start, or (a first start told to begin at the end) past all of it.
  const g = startGz(fh);
  const fromEnd = first && checkpoints.status === 'missing' && opts.startAt === 'end';
  const { at, before } = fromEnd
    ? await skipTo(g, Number.POSITIVE_INFINITY, ANCHOR_BYTES)
    : { at: 0, before: Buffer.alloc(0) };
  const generation = newGeneration(checkpoints.known, ctx.streams, path, fp);
  track(ctx, fh, path, key, s, fp, g, path, generation, at, before);
  return { outcome: 'tracked' };
}

function track(
  ctx: IdentityContext,
  fh: FileHandle,
  path: string,
  key: string,
  s: Stats,
  fp: string,
  g: GzReading,
  source: string,
  generation: string,
  start: number,
  before: Buffer,
): void {
  const tail = before.subarray(Math.max(0, before.length - ANCHOR_BYTES));
  g.anchorAt = start;
  g.anchor = Buffer.from(tail);
  const t = newTracked(ctx.opts, key, path, fh, s, fp, { source, generation, start, skip: false, tail });
  t.gz = g;
  t.size = start;
  ctx.live.set(key, t);
  ctx.streams.add(t);
  ctx.checkpoints.dirty = true;
}
