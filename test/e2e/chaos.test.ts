/**
 * Where log agents lose data: rotation under load while the agent is killed. 200,000 lines are
 * written with rotation every 20,000 lines; `logpipe run` (collector, parser and store in one
 * process) is killed with SIGKILL three times at random moments and restarted; `logpipe verify`
 * must then report 0 lost, 0 duplicated. Once for rename rotation, once for copytruncate, and
 * once with the store process killed instead (under `logpipe up`, which restarts it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tailConfig } from '../helpers/cli.js';
import { expectExactlyOnce, killAll, startLogpipe, upComponents } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const LINES = 200_000;
const ROTATE_EVERY = 20_000;
const RATE = 25_000;

const children: ChildProcess[] = [];
const upDirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  killAll(upDirs.splice(0));
});

function start(args: string[]): {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stderr: () => err };
}

/** A small deterministic PRNG, so a failing kill schedule can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A data dir, a config tailing `logs/app.log*` into it, and where the log and manifest go. */
function setup(): { dataDir: string; log: string; manifest: string; config: string } {
  const { dir, dataDir, config } = tailConfig('app.log*', {
    poll: '50ms',
    extra: ['storage: { flush_interval: 100ms }', 'server: { port: 0 }'],
  });
  return { dataDir, log: join(dir, 'logs', 'app.log'), manifest: join(dir, 'manifest.json'), config };
}

/** 200,000 seeded lines at 25,000/s, rotated every 20,000 in `mode`, with a manifest. */
function generate(mode: 'rename' | 'copytruncate', seed: number, log: string, manifest: string) {
  return start([
    'generate',
    '--format',
    'apache_combined',
    '--seed',
    String(seed),
    '--rate',
    String(RATE),
    '--count',
    String(LINES),
    '-o',
    log,
    '--rotate-lines',
    String(ROTATE_EVERY),
    '--rotate-mode',
    mode,
    '--rotate-keep',
    '20',
    '--manifest',
    manifest,
  ]);
}

async function chaos(mode: 'rename' | 'copytruncate', seed: number): Promise<void> {
  const { dataDir, log, manifest, config } = setup();
  const runArgs = ['run', '--config', config, '--quiet'];
  // Everything the pipelines said, for the failure message.
  const logs: (() => string)[] = [];
  let pipeline = start(runArgs);
  logs.push(pipeline.stderr);
  const gen = generate(mode, seed, log, manifest);
  const random = prng(seed);
  for (let k = 0; k < 3; k++) {
    // Somewhere in the middle of the run, at an unpredictable moment.
    await new Promise((r) => setTimeout(r, 700 + random() * 1800));
    pipeline.child.kill('SIGKILL');
    await pipeline.exited;
    pipeline = start(runArgs);
    logs.push(pipeline.stderr);
  }
  expect(await gen.exited, gen.stderr()).toBe(0);
  // Let the last pipeline catch up, then stop it cleanly and check.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await runCli(['verify', '--manifest', manifest, '--data-dir', dataDir, '--json']);
    const v = JSON.parse(r.stdout || '{}') as { ok?: boolean; lost?: number; duplicated?: number };
    if (v.ok || (v.duplicated ?? 0) > 0 || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  pipeline.child.kill('SIGINT');
  expect(await pipeline.exited, pipeline.stderr()).toBe(0);
  const r = await runCli(['verify', '--manifest', manifest, '--data-dir', dataDir]);
  expect(r.stdout, logs.map((l, i) => `run ${i}:\n${l()}`).join('\n')).toMatch(/^lost 0, duplicated 0: OK$/m);
  expect(r.code).toBe(0);
}

/** The same rotation under load, with the store process killed instead (under `logpipe up`). */
async function chaosStore(seed: number): Promise<void> {
  const { dataDir, log, manifest, config } = setup();
  upDirs.push(dataDir);
  const pipeline = startLogpipe(['up', '--config', config, '--quiet']);
  const running = (name: string) =>
    upComponents(dataDir).find((c) => c.name === name && c.state === 'running');
  await waitFor('logpipe up running', async () => running('collector'), 60_000);
  const gen = generate('rename', seed, log, manifest);
  const random = prng(seed);
  for (let k = 0; k < 3; k++) {
    await new Promise((r) => setTimeout(r, 700 + random() * 1800));
    const store = await waitFor('the store running', async () => running('store'), 60_000);
    process.kill(store.pid!, 'SIGKILL');
    await waitFor(
      'the store restarted',
      async () => {
        const s = running('store');
        return s && s.pid !== store.pid ? s : undefined;
      },
      60_000,
    );
  }
  expect(await gen.exited, gen.stderr()).toBe(0);
  await expectExactlyOnce(manifest, dataDir, 120_000, pipeline.output().slice(-4000));
  pipeline.child.kill('SIGINT');
  expect(await pipeline.exited, pipeline.output().slice(-4000)).toBe(0);
}

describe('chaos: rotation under load, agent killed', () => {
  it('rename rotation, three SIGKILLs: 0 lost, 0 duplicated', async () => {
    await chaos('rename', 11);
  }, 240_000);

  it('copytruncate rotation, three SIGKILLs: 0 lost, 0 duplicated', async () => {
    await chaos('copytruncate', 12);
  }, 240_000);

  it('rename rotation, the store killed three times under logpipe up: 0 lost, 0 duplicated', async () => {
    await chaosStore(13);
  }, 240_000);
});
