/** Long-running logpipe processes for end-to-end tests: start, watch, measure, and check delivery. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CLI, runCli } from './cli.js';

export interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

const running: ChildProcess[] = [];

/** Starts `logpipe ...args` in the background; its stderr and stdout are kept for failure messages. */
export function startLogpipe(args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

/** Kills every process started here and everything `logpipe up` started (for afterEach). */
export function killAll(dataDirs: string[] = []): void {
  for (const d of dataDirs) {
    for (const c of upComponents(d)) if (c.pid) tryKill(c.pid, 'SIGKILL');
  }
  for (const c of running.splice(0)) c.kill('SIGKILL');
}

function tryKill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export interface UpComponent {
  name: string;
  state: string;
  pid: number | null;
  restarts: number;
}

/** The components `logpipe up` lists in `<dataDir>/up.json` (empty when it is not running). */
export function upComponents(dataDir: string): UpComponent[] {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'up.json'), 'utf8')) as { components: UpComponent[] })
      .components;
  } catch {
    return [];
  }
}

/** Resident memory of a process in MiB (Linux), or 0 when it is gone. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Verdict {
  ok: boolean;
  lost: number;
  duplicated: number;
  text: string;
}

/** Runs `logpipe verify` until it reports OK, a duplicate, or the time is up; returns the last verdict. */
export async function verifyUntil(manifest: string, dataDir: string, timeoutMs: number): Promise<Verdict> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await runCli(['verify', '--manifest', manifest, '--data-dir', dataDir, '--json']);
    let v: { ok?: boolean; lost?: number; duplicated?: number } = {};
    try {
      v = JSON.parse(r.stdout || '{}');
    } catch {
      // not answerable yet
    }
    const verdict = {
      ok: v.ok === true,
      lost: v.lost ?? -1,
      duplicated: v.duplicated ?? -1,
      text: `${r.stdout}${r.stderr}`,
    };
    if (verdict.ok || verdict.duplicated > 0 || Date.now() > deadline) return verdict;
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** Waits for `logpipe verify` and expects every line stored exactly once; `context` explains a failure. */
export async function expectExactlyOnce(
  manifest: string,
  dataDir: string,
  timeoutMs: number,
  context = '',
): Promise<void> {
  const v = await verifyUntil(manifest, dataDir, timeoutMs);
  expect({ ok: v.ok, lost: v.lost, duplicated: v.duplicated }, `${v.text}\n${context}`).toEqual({
    ok: true,
    lost: 0,
    duplicated: 0,
  });
}
