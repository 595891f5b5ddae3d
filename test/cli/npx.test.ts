/**
 * The ways the README runs logpipe from a clone print the command's output alone on stdout, so
 * `| jq` reads JSON (issue #29 §1): `npx logpipe` (package.json's `bin`) and `npm run -s`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tailConfig } from '../helpers/cli.js';
import { upComponents } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

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
    expect(readFileSync(resolve(ROOT, pkg.bin.logpipe), 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('starts node with its heap flags in the same process, so signals and the PID are logpipe’s', async () => {
    const child = spawn(resolve(ROOT, pkg.bin.logpipe), ['generate', '--rate', '1', '--duration', '30s'], {
      stdio: 'ignore',
    });
    try {
      let cmdline = '';
      for (let i = 0; i < 100 && !cmdline.includes('main.js'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').join(' ');
      }
      expect(cmdline).toMatch(
        /^node --max-semi-space-size=2 --heap-growing-percent=20 \S*dist\/bundle\/cli\/main\.js generate/,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('logpipe up gives each component the heap flags it was started with', async () => {
    const c = tailConfig('*.log', { extra: ['server: { port: 0 }'] });
    const child = spawn(resolve(ROOT, pkg.bin.logpipe), ['up', '--config', c.config], { stdio: 'ignore' });
    try {
      const cs = await waitFor(
        'store, parser and collector running',
        async () => {
          const all = upComponents(c.dataDir);
          return all.length === 3 && all.every((x) => x.state === 'running') ? all : undefined;
        },
        60_000,
      );
      for (const x of cs) {
        const cmdline = readFileSync(`/proc/${x.pid}/cmdline`, 'utf8').split('\0');
        expect(cmdline.slice(0, 3), x.name).toEqual([
          process.execPath,
          '--max-semi-space-size=2',
          '--heap-growing-percent=20',
        ]);
      }
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  }, 90_000);

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
