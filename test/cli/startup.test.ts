/**
 * The CLI's start-up: `logpipe --version`, `logpipe status` or `logpipe query` must not pay for
 * libraries only some commands use. Every command module is loaded to register its flags, so
 * what they import statically is loaded on every start; the heavy ones are imported on demand.
 */
import { describe, expect, it } from 'vitest';
import { packagesLoadedBy } from '../helpers/imports.js';

/** Packages a command loads when it runs, never at start-up (each costs 20–150 ms to load). */
const ON_DEMAND = ['zod', 'yaml', '@duckdb/node-api', 'hono', '@hono/node-server', 'prom-client'];

describe('CLI start-up', () => {
  it('loads no package that only some commands need', () => {
    const loaded = packagesLoadedBy('cli/main.ts');
    expect(loaded.has('commander')).toBe(true);
    const heavy = ON_DEMAND.filter((p) => loaded.has(p)).map((p) => `${p} (from ${loaded.get(p)})`);
    expect(heavy).toEqual([]);
  });
});
