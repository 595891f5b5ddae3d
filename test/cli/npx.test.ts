/**
 * The ways the README runs logpipe from a clone print the command's output alone on stdout, so
 * `| jq` reads JSON (issue #29 §1): `npx logpipe` (package.json's `bin`) and `npm run -s`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b;
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('logpipe run from the clone', () => {
  it('has a bin that points at the built CLI, a script with its shebang', () => {
    expect(pkg.bin.logpipe).toBe('dist/bundle/cli/main.js');
    expect(readFileSync(resolve(ROOT, pkg.bin.logpipe), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(
      true,
    );
  });

  it('npx logpipe --version prints only the version', async () => {
    // --offline: the clone's own bin answers; a registry package of that name is never fetched.
    const r = await run('npx', ['--offline', 'logpipe', '--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  }, 60_000);

  it('npm run -s logpipe prints only what logpipe prints', async () => {
    const r = await run('npm', ['run', '-s', 'logpipe', '--', '--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  }, 60_000);
});
