/**
 * File discovery: expands `paths` globs (with `**`) into the files that exist now, minus
 * `exclude`. Each glob is walked from its static base directory, so a poll never lists the
 * whole filesystem; run it on every poll to find new files.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

interface CompiledGlob {
  /** Directory the walk starts from, or the file itself for a pattern without wildcards. */
  base: string;
  isGlob: boolean;
  /** How many directory levels below `base` can match; Infinity with `**`. */
  depth: number;
  match: (path: string) => boolean;
}

/** Compiled `paths` and `exclude` patterns, ready to expand on every poll. */
export interface GlobSet {
  globs: CompiledGlob[];
  excluded: (path: string) => boolean;
}

/** Compiles glob patterns; relative patterns are resolved against `cwd`. */
export function compileGlobs(paths: string[], exclude: string[] = [], cwd = process.cwd()): GlobSet {
  const globs = paths.map((p) => compileOne(isAbsolute(p) ? p : resolve(cwd, p)));
  // A pattern without a slash (`*.gz`) matches the file name anywhere, as users expect from
  // exclude lists; one with a slash matches the whole (absolute) path.
  const ex = exclude.map((p) =>
    p.includes('/')
      ? picomatch(isAbsolute(p) ? p : resolve(cwd, p), { dot: true })
      : picomatch(p, { dot: true, basename: true }),
  );
  return { globs, excluded: (path) => ex.some((m) => m(path)) };
}

function compileOne(pattern: string): CompiledGlob {
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) return { base: pattern, isGlob: false, depth: 0, match: (p) => p === pattern };
  const base = scan.base === '' ? sep : scan.base;
  const depth = scan.glob.includes('**') ? Number.POSITIVE_INFINITY : scan.glob.split('/').length;
  return { base, isGlob: true, depth, match: picomatch(pattern, { dot: true }) };
}

/** Told of a directory the walk could not list (not a missing one): its path and the error code. */
export type UnlistableDir = (dir: string, code: string) => void;

/**
 * Lists the files (absolute paths, sorted) matching the set now. Missing directories are
 * skipped quietly (they may appear later); one that exists but cannot be listed (EACCES) is
 * skipped and reported to `onUnlistable`.
 */
export async function expandGlobs(set: GlobSet, onUnlistable?: UnlistableDir): Promise<string[]> {
  const found = new Set<string>();
  for (const g of set.globs) {
    if (!g.isGlob) {
      if (!set.excluded(g.base)) found.add(g.base);
      continue;
    }
    await walk(g.base, 1, g, set, found, onUnlistable);
  }
  return [...found].sort();
}

async function walk(
  dir: string,
  level: number,
  g: CompiledGlob,
  set: GlobSet,
  out: Set<string>,
  onUnlistable: UnlistableDir | undefined,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    // A base that does not exist (yet) has nothing to find now; one we may not list is reported.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') onUnlistable?.(dir, code);
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    // Symlinked directories are not followed (loops); symlinked files are, via stat later.
    if (e.isDirectory()) {
      if (level < g.depth) await walk(path, level + 1, g, set, out, onUnlistable);
    } else if ((e.isFile() || e.isSymbolicLink()) && g.match(path) && !set.excluded(path)) {
      out.add(path);
    }
  }
}
