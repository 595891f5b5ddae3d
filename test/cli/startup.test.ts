/**
 * The CLI's start-up: `logpipe --version`, `logpipe status` or `logpipe query` must not pay for
 * libraries only some commands use. `main.ts` loads the named command's module alone (all of
 * them for `--help`), and what that module imports statically is loaded before its action runs,
 * so the heavy libraries are imported inside the actions, on demand.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagesLoadedBy, SRC } from '../helpers/imports.js';

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
});
