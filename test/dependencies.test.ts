/**
 * The shape of the code, checked: dependencies point downward (cli → pipeline/server →
 * components → core), components meet only in core, and one component reaches another only
 * through its door (its index.ts). docs/architecture.md describes the same rules.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, packagesLoadedBy, sourceFiles } from './helpers/imports.js';

/** The components: each may import core and itself, nothing else. */
const COMPONENTS = ['generator', 'collector', 'parser', 'query', 'storage'];

/** The files through which the layers above reach a component. */
const DOORS = new Set([
  'generator/index.ts',
  'collector/index.ts',
  'parser/index.ts',
  'query/index.ts',
  'storage/index.ts',
  // The row codec: what parse workers, the parse service and the server encode and decode.
  'storage/rows/index.ts',
]);

/** An engine's door, and the one file that may open it: only the pipeline picks an engine. */
const ENGINE_DOORS = new Set(['storage/duckdb/index.ts']);
const ENGINE_PICKER = 'pipeline/open-store.ts';

/** Layers above the components, and the layers each may import besides core and the doors. */
const LAYERS: Record<string, string[]> = {
  server: [],
  pipeline: ['server'],
  cli: ['pipeline', 'server'],
};

const top = (path: string) => path.split('/')[0];

/** Why `from` may not import `to` (both relative to src/), or null when it may. */
function violation(from: string, to: string): string | null {
  const a = top(from);
  const b = top(to);
  if (a === b) {
    // Inside storage: the row codec and the Parquet writer know no engine.
    const engineFree = /^storage\/(rows|parquet)\//.test(from) || from === 'storage/index.ts';
    if (engineFree && to.startsWith('storage/duckdb/'))
      return 'the row codec and Parquet writer know no engine';
    return null;
  }
  if (b === 'core') return null;
  if (a === 'core') return 'core imports nothing outside core';
  if (COMPONENTS.includes(a)) return `a component imports only core and itself`;
  if (ENGINE_DOORS.has(to)) return from === ENGINE_PICKER ? null : `only ${ENGINE_PICKER} opens an engine`;
  if (COMPONENTS.includes(b)) return DOORS.has(to) ? null : `${b} is reached through its index.ts`;
  if (LAYERS[a]?.includes(b)) return null;
  return `${a} may not import ${b}`;
}

describe('dependencies', () => {
  const files = sourceFiles();

  it('point downward and reach components only through their doors', () => {
    const bad: string[] = [];
    for (const file of files) {
      for (const ref of importsOf(file)) {
        if (ref.target === null) continue;
        const why = violation(file, ref.target);
        if (why !== null) bad.push(`${file} imports ${ref.target}: ${why}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every component has its door', () => {
    for (const door of [...DOORS, ...ENGINE_DOORS]) expect(files).toContain(door);
  });

  it('leaves the engine out of the modules that only encode, plan or serve', () => {
    const engineFree = [
      'storage/index.ts',
      'storage/rows/index.ts',
      'pipeline/encode-worker.ts',
      'pipeline/parse-service.ts',
      'server/agent-rows-worker.ts',
      'server/app.ts',
      'query/index.ts',
      'parser/index.ts',
    ];
    for (const file of engineFree) {
      const loaded = packagesLoadedBy(file);
      expect(loaded.get('@duckdb/node-api') ?? null, `${file} loads @duckdb/node-api`).toBeNull();
    }
  });

  it('catches an import that breaks the rules', () => {
    expect(violation('storage/rows/access-rows.ts', 'parser/timestamps.ts')).toMatch(/only core/);
    expect(violation('server/app.ts', 'storage/rows/rows-wire.ts')).toMatch(/index\.ts/);
    expect(violation('cli/store.ts', 'storage/duckdb/index.ts')).toMatch(/opens an engine/);
    expect(violation('storage/rows/columns.ts', 'storage/duckdb/schema.ts')).toMatch(/no engine/);
    expect(violation('core/config.ts', 'parser/index.ts')).toMatch(/core imports nothing/);
    expect(violation('server/app.ts', 'pipeline/run.ts')).toMatch(/may not import/);
    expect(violation('pipeline/open-store.ts', 'storage/duckdb/index.ts')).toBeNull();
    expect(violation('server/app.ts', 'storage/rows/index.ts')).toBeNull();
  });
});
