/**
 * Finding the files to tail: each poll expands the globs, follows a tailed file to its new path
 * (a rename within the globs), marks those gone from the globs, and opens and identifies the
 * files not seen before (file-identity.ts), within the collector's bound on open files
 * (open-files.ts). A file that cannot be opened or read, and a directory that cannot be listed,
 * is warned about once and tried again on later polls; what is unreadable now is kept, so
 * `--once` can say what it could not read.
 */
import type { Stats } from 'node:fs';
import { type FileHandle, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { binaryReason, isGzip, SNIFF_BYTES } from './content-sniff.js';
import { type IdentityContext, identify } from './file-identity.js';
import { readFingerprint } from './fingerprint.js';
import { expandGlobs, type GlobSet } from './glob.js';
import { identifyGz } from './gz-identity.js';
import type { OpenFiles } from './open-files.js';

/** What a discovery reads and updates of its collector's state. */
export interface DiscoveryContext extends IdentityContext {
  readonly globs: GlobSet;
  /**
   * Files that cannot be read now, with the error code: each is warned about once, until it
   * leaves the globs or is identified.
   */
  readonly warnedPaths: Map<string, string>;
  /** Directories in the globs that cannot be listed now, with the error code; each warned about once. */
  readonly unlistable: Map<string, string>;
  readonly files: OpenFiles;
  /** Files done with for good, by `dev:ino`: .gz files read to their end, and files that are not text. */
  readonly finished: Set<string>;
  /** SNIFF_BYTES of scratch space for a new file's first bytes (the read buffer keeps its cache). */
  readonly sniff: Buffer;
}

/**
 * One look at the globs (`first`: the collector's first, just after loading its checkpoint).
 * Returns how many new files were left for a later poll because no open file could be closed
 * to make room for them.
 */
export async function discover(ctx: DiscoveryContext, first: boolean): Promise<number> {
  let failedDirs = new Map<string, string>();
  let paths = await expandGlobs(ctx.globs, (dir, code) => failedDirs.set(dir, code));
  const outOf = [...failedDirs.values()].find((c) => c === 'EMFILE' || c === 'ENFILE');
  if (outOf !== undefined && (await ctx.files.shrink(outOf))) {
    // Out of descriptors to list a directory: fewer files held open, and one more look.
    failedDirs = new Map();
    paths = await expandGlobs(ctx.globs, (dir, code) => failedDirs.set(dir, code));
  }
  for (const [dir, code] of failedDirs) {
    if (!ctx.unlistable.has(dir)) {
      ctx.opts.onWarning(
        `${dir}: cannot list this directory (${code}); files in it are not read until it can be`,
      );
    }
    ctx.unlistable.set(dir, code);
  }
  for (const dir of ctx.unlistable.keys()) if (!failedDirs.has(dir)) ctx.unlistable.delete(dir);
  if (first && paths.length === 0) {
    ctx.opts.onWarning(`no files match ${ctx.opts.paths.join(', ')} yet; waiting for them`);
  }
  const seen = new Set<string>();
  let deferred = 0;
  for (const path of paths) {
    let s: Stats;
    try {
      s = await stat(path);
    } catch (err) {
      // Gone between listing and stat is no news; anything else (EACCES) is.
      const code = errCode(err);
      if (code !== 'ENOENT')
        warnOnce(ctx, path, code, `${path}: cannot stat (${code}); skipped until it can be`);
      continue;
    }
    if (!s.isFile()) continue;
    const key = `${s.dev}:${s.ino}`;
    if (seen.has(key)) continue; // a second link to a file already seen in this scan
    seen.add(key);
    if (ctx.finished.has(key)) continue;
    const t = ctx.live.get(key);
    if (t) {
      t.seenSize = s.size;
      if (t.path !== path) {
        ctx.counts.rotations++;
        t.path = path;
      }
      continue;
    }
    if (!(await openFile(ctx, path, key, s, first))) deferred++;
  }
  // A file in a directory that could not be listed this time has not left the globs.
  const dirs = [...failedDirs.keys()].map((d) => `${d}${sep}`);
  for (const t of ctx.live.values()) {
    t.inGlob = seen.has(t.key) || (dirs.length > 0 && dirs.some((d) => t.path.startsWith(d)));
  }
  for (const k of ctx.maybeCopies.keys()) if (!seen.has(k)) ctx.maybeCopies.delete(k);
  for (const k of ctx.finished) if (!seen.has(k)) ctx.finished.delete(k);
  if (ctx.warnedPaths.size > 0) {
    const listed = new Set(paths);
    for (const p of ctx.warnedPaths.keys()) if (!listed.has(p)) ctx.warnedPaths.delete(p);
  }
  return deferred;
}

/** Opens and identifies a new file; false when there was no room to open it now. */
async function openFile(
  ctx: DiscoveryContext,
  path: string,
  key: string,
  s: Stats,
  first: boolean,
): Promise<boolean> {
  let fh: FileHandle | null;
  try {
    fh = await ctx.files.open(path);
  } catch (err) {
    const code = errCode(err);
    warnOnce(ctx, path, code, `${path}: cannot open (${code}); skipped until it can be`);
    return true;
  }
  if (fh === null) return false;
  let keep = false;
  let later = false;
  try {
    // The path may name another file by now (renamed away and recreated between the stat and
    // the open): identify the file actually opened, or leave it to the next poll.
    const st = await fh.stat();
    const head = st.dev === s.dev && st.ino === s.ino ? await readHead(fh, ctx.sniff) : null;
    if (head !== null && isGzip(head)) {
      ctx.warnedPaths.delete(path);
      const r = await identifyGz(ctx, fh, path, key, st, first);
      keep = r.outcome === 'tracked';
      later = r.outcome === 'later';
      if (r.outcome === 'never') ctx.finished.add(key);
      if (r.reason) ctx.opts.onWarning(`${path}: skipped, not text (decompressed, ${r.reason})`);
    } else if (head !== null && binaryReason(head) !== null) {
      ctx.warnedPaths.delete(path);
      ctx.finished.add(key);
      ctx.opts.onWarning(`${path}: skipped, not text (${binaryReason(head)})`);
    } else if (head !== null) {
      const fp = await readFingerprint(fh, ctx.scratch);
      // No fingerprint: empty, or no whole first line yet; identify it on a later poll.
      if (fp !== null) {
        ctx.warnedPaths.delete(path);
        keep = await identify(ctx, fh, fp, path, key, st, first);
      }
    }
  } catch (err) {
    const code = errCode(err);
    warnOnce(ctx, path, code, `${path}: cannot read (${code}); skipped until it can be`);
  } finally {
    const t = keep ? ctx.live.get(key) : undefined;
    if (t && t.fh === fh) ctx.files.hold(t);
    else await ctx.files.discard(fh);
  }
  return !later;
}

/** A file's first SNIFF_BYTES (fewer when it is shorter), in `buf` (the collector's read buffer). */
async function readHead(fh: FileHandle, buf: Buffer): Promise<Buffer> {
  const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, SNIFF_BYTES), 0);
  return buf.subarray(0, bytesRead);
}

function warnOnce(ctx: DiscoveryContext, path: string, code: string, msg: string): void {
  if (ctx.warnedPaths.has(path)) return;
  ctx.warnedPaths.set(path, code);
  ctx.opts.onWarning(msg);
}

/** An fs error's code (`ENOENT`, `EACCES`, ...), for warnings. */
export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}
