/**
 * The import graph of the sources, read from their text: what each file imports, statically or
 * with `import()`, and whether an import loads code (a type-only import loads nothing).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const SRC = resolve(import.meta.dirname, '../../src');

/** One import of a file: the module named, as written, and whether it loads code when it runs. */
export interface ImportRef {
  spec: string;
  /** The file it names, when the module is one of ours (a path relative to src/). */
  target: string | null;
  /** False for `import type` / `export type`: erased at build, nothing loads. */
  loads: boolean;
  /** `import()`: loaded when the code runs, not when the file does. */
  dynamic: boolean;
}

const STATIC = /^(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)';/gm;
const DYNAMIC = /\bimport\(\s*'([^']+)'\s*\)/g;
/** A CommonJS package loaded with `createRequire` (storage/duckdb/duckdb-api.ts): loads as a static import does. */
const REQUIRE = /\brequire\(\s*'([^']+)'\s*\)/g;

/** The imports of `file` (a path relative to src/). */
export function importsOf(file: string): ImportRef[] {
  const abs = join(SRC, file);
  const text = readFileSync(abs, 'utf8');
  const out: ImportRef[] = [];
  const target = (spec: string) =>
    spec.startsWith('.') ? relative(SRC, resolve(dirname(abs), spec.replace(/\.js$/, '.ts'))) : null;
  for (const m of text.matchAll(STATIC)) {
    out.push({ spec: m[3], target: target(m[3]), loads: m[2] === undefined, dynamic: false });
  }
  for (const m of text.matchAll(DYNAMIC)) {
    out.push({ spec: m[1], target: target(m[1]), loads: true, dynamic: true });
  }
  for (const m of text.matchAll(REQUIRE)) {
    out.push({ spec: m[1], target: target(m[1]), loads: true, dynamic: false });
  }
  return out;
}

/** Every .ts file under src/, as paths relative to src/. */
export function sourceFiles(dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(SRC, dir), { withFileTypes: true })) {
    const p = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/**
 * The packages loaded when `file` loads, through imports that load code, with the file that
 * imports each; `dynamic` also follows `import()` (code a call may load later).
 */
export function packagesLoadedBy(
  file: string,
  opts: { dynamic?: boolean } = {},
  seen = new Set<string>(),
  out = new Map<string, string>(),
): Map<string, string> {
  if (seen.has(file)) return out;
  seen.add(file);
  for (const ref of importsOf(file)) {
    if (!ref.loads || (ref.dynamic && !opts.dynamic)) continue;
    if (ref.target !== null) packagesLoadedBy(ref.target, opts, seen, out);
    else if (!ref.spec.startsWith('node:')) out.set(ref.spec, file);
  }
  return out;
}
