/**
 * What the CLI's bundle (scripts/build-cli.mjs) needs of the sources: a package loaded with a
 * dynamic `import()` must be an ES module, since esbuild gives a dynamically imported CommonJS
 * package only a default export (`const { parse } = await import('yaml')` found `parse`
 * undefined in the bundle while it worked in dist/src).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Whether Node, importing the package, loads an ES module. */
function isEsm(pkg: string): boolean {
  const name = pkg.startsWith('@') ? pkg.split('/').slice(0, 2).join('/') : pkg.split('/')[0];
  const json = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
  if (json.type === 'module') return true;
  const dot = json.exports?.['.'] ?? json.exports;
  return typeof dot === 'object' && dot !== null && ('import' in dot || dot.node?.import !== undefined);
}

describe('the sources the CLI bundle is built from', () => {
  it('import() only ES-module packages', () => {
    const found: string[] = [];
    for (const file of sources(join(ROOT, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bimport\(\s*'([^'.][^']*)'\s*\)/g)) {
        if (!m[1].startsWith('node:') && !isEsm(m[1])) found.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
      }
    }
    expect(found).toEqual([]);
  });
});
