import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlobs, expandGlobs } from '../../src/collector/glob.js';
import { tempDir } from '../helpers/cli.js';

describe('globs', () => {
  it('expands *, ** and plain paths from their static base, minus exclusions', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
    for (const f of [
      'x.log',
      'x.log.gz',
      'a/y.log',
      'a/b/z.log',
      'a/b/c/w.log',
      'a/b/c/w.txt',
      'plain.txt',
    ]) {
      writeFileSync(join(dir, f), 'l\n');
    }
    const rel = (ps: string[]) => ps.map((p) => p.slice(dir.length + 1));
    expect(rel(await expandGlobs(compileGlobs([join(dir, '*.log')])))).toEqual(['x.log']);
    expect(rel(await expandGlobs(compileGlobs([join(dir, '**/*.log')])))).toEqual([
      'a/b/c/w.log',
      'a/b/z.log',
      'a/y.log',
      'x.log',
    ]);
    expect(rel(await expandGlobs(compileGlobs([join(dir, 'a/*/*.log')])))).toEqual(['a/b/z.log']);
    expect(rel(await expandGlobs(compileGlobs([join(dir, '**/*')], ['*.gz', join(dir, 'a/b/**')])))).toEqual([
      'a/y.log',
      'plain.txt',
      'x.log',
    ]);
    expect(rel(await expandGlobs(compileGlobs(['plain.txt'], [], dir)))).toEqual(['plain.txt']);
  });

  it('skips missing bases and does not loop through symlinked directories', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'f.log'), 'l\n');
    symlinkSync(dir, join(dir, 'd', 'loop'));
    expect(await expandGlobs(compileGlobs([join(dir, 'nope/**/*.log')]))).toEqual([]);
    expect(await expandGlobs(compileGlobs([join(dir, '**/*.log')]))).toEqual([join(dir, 'd', 'f.log')]);
  });
});
