/**
 * The CLI's start-up: `logpipe --version`, `logpipe status` or `logpipe query` must not pay for
 * libraries only some commands use. `main.ts` loads the named command's module alone (all of
 * them for `--help`), and what that module imports statically is loaded before its action runs,
 * so the heavy libraries are imported inside the actions, on demand.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, packagesLoadedBy, SRC, sourceFiles } from '../helpers/imports.js';

/** Packages a command loads when it runs, never at start-up (each costs 20–150 ms to load). */
const ON_DEMAND = ['zod', 'yaml', '@duckdb/node-api', 'hono', '@hono/node-server', 'prom-client'];

const heavy = (loaded: Map<string, string>) =>
  ON_DEMAND.filter((p) => loaded.has(p)).map((p) => `${p} (from ${loaded.get(p)})`);

describe('CLI start-up', () => {
  it('loads no package that only some commands need', () => {
    const loaded = packagesLoadedBy('cli/main.ts');
    expect(loaded.has('commander')).toBe(true);
    expect(heavy(loaded)).toEqual([]);
  });

  it('registers every command without loading what only its action needs', () => {
    const commands = readdirSync(join(SRC, 'cli')).filter((f) => f.endsWith('.ts'));
    for (const f of commands) expect(heavy(packagesLoadedBy(`cli/${f}`)), f).toEqual([]);
  });

  it("loads DuckDB's CommonJS package with require only, never through an ES import", () => {
    // An ES import of it has Node scan its 60 files for their exports before any runs: 0.15–0.3 s
    // of CPU on every fresh query (duckdb-api.ts). `import type` is erased and costs nothing.
    const esImports = sourceFiles().filter((f) =>
      importsOf(f).some((i) => i.spec === '@duckdb/node-api' && i.loads && !i.dynamic && !isRequire(f)),
    );
    expect(esImports).toEqual([]);
  });
});

/** storage/duckdb/duckdb-api.ts is the one file that loads the package, with `createRequire`. */
function isRequire(file: string): boolean {
  return file === 'storage/duckdb/duckdb-api.ts';
}
