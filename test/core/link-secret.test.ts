/**
 * The data dir's link secret: made once, atomically, 0600, the same for every component of the
 * data dir; refused when others may read it or it is not what logpipe wrote.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { linkSecretPath, loadLinkSecret, sameSecret } from '../../src/core/link-secret.js';
import { tempDir } from '../helpers/cli.js';

describe('the link secret', () => {
  it('is made once, 0600, and read back the same', () => {
    const dir = join(tempDir(), 'data');
    const secret = loadLinkSecret(dir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(linkSecretPath(dir)).mode & 0o777).toBe(0o600);
    expect(loadLinkSecret(dir)).toBe(secret);
    // Nothing half-made is left beside it.
    expect(readdirSync(dir)).toEqual(['secret']);
  });

  it('is the same for processes that make it at once', () => {
    const dir = tempDir();
    const mod = resolve(import.meta.dirname, '../../dist/src/core/link-secret.js');
    const script = `import('${mod}').then((m) => process.stdout.write(m.loadLinkSecret(process.argv[1])))`;
    const runs = Array.from({ length: 4 }, () =>
      spawnSync(process.execPath, ['-e', script, dir], { encoding: 'utf8' }),
    );
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect(readFileSync(linkSecretPath(dir), 'utf8').trim()).toBe(runs[0].stdout);
  });

  it('is refused when other users may read it, or when it is not what logpipe wrote', () => {
    const dir = tempDir();
    loadLinkSecret(dir);
    chmodSync(linkSecretPath(dir), 0o644);
    expect(() => loadLinkSecret(dir)).toThrow(UserError);
    expect(() => loadLinkSecret(dir)).toThrow(/open to other users \(mode 644\): chmod 600/);
    writeFileSync(linkSecretPath(dir), 'short\n', { mode: 0o600 });
    chmodSync(linkSecretPath(dir), 0o600);
    expect(() => loadLinkSecret(dir)).toThrow(/is malformed: delete it/);
  });

  it('compares only equal secrets as equal', () => {
    const s = 'a'.repeat(64);
    expect(sameSecret(s, s)).toBe(true);
    expect(sameSecret(`${s}x`, s)).toBe(false);
    expect(sameSecret('b'.repeat(64), s)).toBe(false);
    expect(sameSecret('', s)).toBe(false);
    expect(sameSecret(undefined, s)).toBe(false);
  });
});
