/**
 * Finding the files to tail: each poll expands the globs, follows a tailed file to its new path
 * (a rename within the globs), marks those gone from the globs, and opens and identifies the
 * files not seen before (file-identity.ts). A file that cannot be opened or read is warned about
 * once and tried again on later polls.
 */
import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { type IdentityContext, identify } from './file-identity.js';
import { readFingerprint } from './fingerprint.js';
import { expandGlobs, type GlobSet } from './glob.js';

/** What a discovery reads and updates of its collector's state. */
export interface DiscoveryContext extends IdentityContext {
  readonly globs: GlobSet;
  /** Paths warned about, so each warns once until it leaves the globs or is identified. */
  readonly warnedPaths: Set<string>;
}

/** One look at the globs (`first`: the collector's first, just after loading its checkpoint). */
export async function discover(ctx: DiscoveryContext, first: boolean): Promise<void> {
  const paths = await expandGlobs(ctx.globs);
  if (first && paths.length === 0) {
    ctx.opts.onWarning(`no files match ${ctx.opts.paths.join(', ')} yet; waiting for them`);
  }
  const seen = new Set<string>();
  for (const path of paths) {
    let s: Stats;
    try {
      s = await stat(path);
    } catch {
      continue; // gone between listing and stat
    }
    if (!s.isFile()) continue;
    const key = `${s.dev}:${s.ino}`;
    if (seen.has(key)) continue; // a second link to a file already seen in this scan
    seen.add(key);
    const t = ctx.live.get(key);
    if (t) {
      t.seenSize = s.size;
      if (t.path !== path) {
        ctx.counts.rotations++;
        t.path = path;
      }
      continue;
    }
    await openFile(ctx, path, key, s, first);
  }
  for (const t of ctx.live.values()) t.inGlob = seen.has(t.key);
  for (const k of ctx.maybeCopies.keys()) if (!seen.has(k)) ctx.maybeCopies.delete(k);
  ctx.warnedPaths.forEach((p) => {
    if (!paths.includes(p)) ctx.warnedPaths.delete(p);
  });
}

async function openFile(
  ctx: DiscoveryContext,
  path: string,
  key: string,
  s: Stats,
  first: boolean,
): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    warnOnce(ctx, path, `${path}: cannot open (${errCode(err)}); skipped until it can be`);
    return;
  }
  let keep = false;
  try {
    // The path may name another file by now (renamed away and recreated between the stat and
    // the open): identify the file actually opened, or leave it to the next poll.
    const st = await fh.stat();
    if (st.dev === s.dev && st.ino === s.ino) {
      const fp = await readFingerprint(fh, ctx.scratch);
      // No fingerprint: empty, or no whole first line yet; identify it on a later poll.
      if (fp !== null) {
        ctx.warnedPaths.delete(path);
        keep = await identify(ctx, fh, fp, path, key, st, first);
      }
    }
  } catch (err) {
    warnOnce(ctx, path, `${path}: cannot read (${errCode(err)}); skipped until it can be`);
  } finally {
    if (!keep) await fh.close().catch(() => {});
  }
}

function warnOnce(ctx: DiscoveryContext, path: string, msg: string): void {
  if (ctx.warnedPaths.has(path)) return;
  ctx.warnedPaths.add(path);
  ctx.opts.onWarning(msg);
}

/** An fs error's code (`ENOENT`, `EACCES`, ...), for warnings. */
export function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}
