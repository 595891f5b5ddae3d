import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('logpipe verify', () => {
  it('reports 0 lost and 0 duplicated when the store holds exactly what was generated', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const manifest = join(dir, 'app.manifest.json');
    const d = join(dir, 'data');
    let r = await runCli(['generate', '--count', '2000', '--seed', '3', '-o', log, '--manifest', manifest]);
    expect(r.code).toBe(0);
    r = await runCli(['store', '--data-dir', d, '--import', log, '--quiet']);
    expect(r.code).toBe(0);
    r = await runCli(['verify', '--manifest', manifest, '--data-dir', d]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^ok {3}.*app\.log: expected 2000, stored 2000, lost 0, duplicated 0, .*checksum matches$/m,
    );
    expect(r.stdout).toMatch(/^lost 0, duplicated 0: OK$/m);
    expect(r.code).toBe(0);
  });

  it('counts lost and duplicated lines and exits non-zero', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const manifest = join(dir, 'm.json');
    let r = await runCli(['generate', '--count', '1000', '--seed', '4', '-o', log, '--manifest', manifest]);
    expect(r.code).toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);

    // 100 lines never arrive.
    writeFileSync(log, `${lines.slice(0, 900).join('\n')}\n`);
    const lossy = join(dir, 'lossy');
    await runCli(['store', '--data-dir', lossy, '--import', log, '--quiet']);
    r = await runCli(['verify', '--manifest', manifest, '--data-dir', lossy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lost 100, duplicated 0: MISMATCH$/m);

    // 10 lines arrive twice (re-read at other offsets, as a naive tailer does after copytruncate).
    writeFileSync(log, `${[...lines, ...lines.slice(0, 10)].join('\n')}\n`);
    const dup = join(dir, 'dup');
    await runCli(['store', '--data-dir', dup, '--import', log, '--quiet']);
    r = await runCli(['verify', '--manifest', manifest, '--data-dir', dup, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ lost: 0, duplicated: 10, ok: false });
  });

  it('finds the files where generate wrote them, from any directory (#29)', async () => {
    // generate and import run in `work`, with names relative to it; the manifest sits in `out/`.
    const work = tempDir();
    const elsewhere = tempDir();
    mkdirSync(join(work, 'out'));
    let r = await runCli(
      ['generate', '--count', '3000', '--seed', '5', '-o', 'out/app.log', '--manifest', 'out/app.json'],
      { cwd: work },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'out/app.json'), 'utf8')).base_dir).toBe(realpathSync(work));
    r = await runCli(['store', '--data-dir', 'data', '--import', 'out/app.log', '--quiet'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const data = join(work, 'data');
    for (const [cwd, manifest] of [
      [work, 'out/app.json'],
      [elsewhere, join(work, 'out/app.json')],
      [join(work, 'out'), 'app.json'],
    ]) {
      r = await runCli(['verify', '--manifest', manifest, '--data-dir', data], { cwd });
      expect(r.stdout, `from ${cwd}`).toMatch(/^lost 0, duplicated 0: OK$/m);
      expect(r.code).toBe(0);
    }
    // A wrong --base names the path it looked for.
    r = await runCli(['verify', '--manifest', join(work, 'out/app.json'), '-d', data, '--base', elsewhere]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`(no source ${join(elsewhere, 'out/app.log')} in the store)`);
  });

  it('names a missing manifest in one line', async () => {
    const r = await runCli(['verify', '--manifest', '/nonexistent.json', '--data-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/nonexistent\.json/);
  });
});
