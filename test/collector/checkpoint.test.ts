import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckpointEntry, loadCheckpoint, saveCheckpoint } from '../../src/collector/checkpoint.js';
import { tempDir } from '../helpers/cli.js';

const entry: CheckpointEntry = {
  source: '/var/log/a.log',
  generation: 'abc',
  fingerprint: 'abc',
  path: '/var/log/a.log.1',
  dev: 1,
  ino: 2,
  offset: 300,
  skip: false,
  anchor: 'eHl6',
  updated: 5,
};

describe('checkpoint file', () => {
  it('round-trips entries and leaves no temp file behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'sub', 'ck.json');
    await saveCheckpoint(path, [entry]);
    const warnings: string[] = [];
    expect(await loadCheckpoint(path, (m) => warnings.push(m))).toEqual({ entries: [entry], status: 'ok' });
    expect(warnings).toEqual([]);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['ck.json']);
  });

  it('reports missing and corrupt files with a warning, never a throw', async () => {
    const dir = tempDir();
    const path = join(dir, 'ck.json');
    const warnings: string[] = [];
    expect((await loadCheckpoint(path, (m) => warnings.push(m))).status).toBe('missing');
    await saveCheckpoint(path, [entry]);
    const good = readFileSync(path, 'utf8');
    const bad = [
      good.slice(0, 40),
      good.replace('"offset":300', '"offset":301'),
      good.replace('"files":[', '"files":{"x":['),
      'not json\n{}',
      '{"format":"logpipe-checkpoint","version":2}\n{}',
      Buffer.from([0xff, 0x00, 0x10]).toString('latin1'),
    ];
    for (const b of bad) {
      writeFileSync(path, b);
      const r = await loadCheckpoint(path, (m) => warnings.push(m));
      expect(r).toEqual({ entries: [], status: 'corrupt' });
    }
    expect(warnings).toHaveLength(1 + bad.length);
    expect(warnings.slice(1).every((w) => w.includes('is corrupt'))).toBe(true);
  });
});

describe('checkpoint file, first start', () => {
  it('can stay quiet about a missing file when asked', async () => {
    const warnings: string[] = [];
    const r = await loadCheckpoint(join(tempDir(), 'none.json'), (m) => warnings.push(m), false);
    expect(r.status).toBe('missing');
    expect(warnings).toEqual([]);
  });
});
