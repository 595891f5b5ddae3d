/** Runs the built `logpipe` executable (the bundle package.json's `bin` names) in a child process, as a user would. */
import { type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../../dist/bundle/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `logpipe ...args`, optionally feeding `input` on stdin, and collects its output. */
export function runCli(
  args: string[],
  opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const spawnOpts: SpawnOptions = {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    };
    const child = spawn(process.execPath, [CLI, ...args], spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin!.on('error', () => {});
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** A fresh temporary directory for one test, in the run's folder (removed when the run ends: test/global-setup.ts). */
export function tempDir(prefix = 'logpipe-test-'): string {
  return mkdtempSync(join(process.env.TEST_TMP_ROOT ?? tmpdir(), prefix));
}

/**
 * A temp dir with a config tailing `<dir>/logs/<glob>` into `<dir>/data`, plus any further YAML
 * lines (`storage: …`); the config's path and the data dir are returned with the dir.
 */
export function tailConfig(
  glob: string,
  opts: { poll?: string; extra?: string[] } = {},
): { dir: string; dataDir: string; config: string } {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const config = join(dir, 'logpipe.yaml');
  writeFileSync(
    config,
    [
      `data_dir: ${dataDir}`,
      'sources:',
      `  - { type: file, paths: ["${join(dir, 'logs')}/${glob}"], poll_interval: ${opts.poll ?? '100ms'} }`,
      ...(opts.extra ?? []),
      '',
    ].join('\n'),
  );
  return { dir, dataDir, config };
}
