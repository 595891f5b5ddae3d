/**
 * The CLI's start-up: `logpipe --version`, `logpipe status` or `logpipe query` must not pay for
 * libraries only some commands use. Every command module is loaded to register its flags, so
 * what they import statically is loaded on every start; the heavy ones are imported on demand.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');
/** Packages a command loads when it runs, never at start-up (each costs 20–150 ms to load). */
const ON_DEMAND = ['zod', 'yaml', '@duckdb/node-api', 'hono', '@hono/node-server', 'prom-client'];

/** Packages reached from `file` through static value imports (type-only imports load nothing). */
function staticPackages(file: string, seen = new Set<string>(), out = new Map<string, string>()) {
  if (seen.has(file)) return out;
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/^import\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'([^']+)';/gm)) {
    const spec = m[1];
    if (spec.startsWith('.')) staticPackages(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen, out);
    else if (!spec.startsWith('node:')) out.set(spec, file);
  }
  return out;
}

describe('CLI start-up', () => {
  it('loads no package that only some commands need', () => {
    const loaded = staticPackages(MAIN);
    expect(loaded.has('commander')).toBe(true);
    const heavy = ON_DEMAND.filter((p) => loaded.has(p)).map((p) => `${p} (from ${loaded.get(p)})`);
    expect(heavy).toEqual([]);
  });
});
