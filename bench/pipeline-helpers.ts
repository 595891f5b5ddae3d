/**
 * Helpers for the end-to-end pipeline benchmark: the built CLI as a child process (output drained
 * and kept short, killed on exit whatever happens), its query API found through `server.json`,
 * SQL over HTTP, and peak memory of a process tree read from /proc (Linux).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readServerInfo } from '../src/server/discovery.js';

/** The built `logpipe` executable. */
export const CLI = resolve(import.meta.dirname, '../bundle/cli/main.js');

/** Raised when a scenario runs past its deadline. */
export class BenchTimeout extends Error {}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `p`'s value, or `onTimeout` after `ms`; the timer is cleared either way, so it holds no exit up. */
export async function within<T, U>(p: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<U>((r) => (timer = setTimeout(() => r(onTimeout), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Children still running; killed when the benchmark process exits, however it exits. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface CliChild {
  pid: number;
  /** `performance.now()` just before the spawn. */
  startedAt: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process has exited. */
  done(): boolean;
  /** The last few KiB of its stderr and stdout. */
  output(): string;
  /** Its whole stdout, when started with `keepStdout`; else empty. */
  stdout(): string;
  /** SIGINT, then SIGKILL (for it and every descendant seen) if it has not exited in `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Whether `stop` had to kill it. */
  killed(): boolean;
}

const KEEP = 4096;

/**
 * Starts `logpipe ...args` with `LOGPIPE_*` variables removed, so only the config file counts.
 * The last few KiB of its output are kept, and its whole stdout too when `keepStdout` is set.
 */
export function startCli(args: string[], keepStdout = false): CliChild {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LOGPIPE_')) env[k] = v;
  const startedAt = performance.now();
  // The executable itself, as a user's `logpipe` runs: its launcher line starts node with the
  // flags it ships with (scripts/build-cli.mjs).
  const child = spawn(CLI, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start logpipe ${args[0]}`);
  live.add(child);
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-KEEP);
  };
  let out = '';
  child.stdout!.on('data', keep);
  if (keepStdout) child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', keep);
  let finished = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => {
    child.on('error', () => {
      finished = true;
      live.delete(child);
      r({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => {
      finished = true;
      live.delete(child);
      r({ code, signal });
    });
  });
  const pid = child.pid;
  const seen = new Set<number>();
  let killed = false;
  return {
    pid,
    startedAt,
    exited,
    done: () => finished,
    output: () => tail.trim(),
    stdout: () => out,
    killed: () => killed,
    async stop(graceMs = 60_000) {
      for (const d of descendants(pid)) seen.add(d.pid);
      if (!finished) child.kill('SIGINT');
      const timedOut = await within(
        exited.then(() => false),
        graceMs,
        true,
      );
      if (timedOut) {
        killed = true;
        child.kill('SIGKILL');
      }
      await exited;
      // Whatever it started and left behind goes too (by pid; a pid reused meanwhile is not ours).
      for (const d of seen) {
        try {
          if (isAlive(d)) process.kill(d, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the data dir announces its API, or throws if the child exits or the deadline passes. */
export async function waitForUrl(dataDir: string, child: CliChild, deadline: number): Promise<string> {
  for (;;) {
    const info = readServerInfo(dataDir);
    if (info) return info.url;
    if (child.done()) {
      const { code } = await child.exited;
      throw new Error(`exited (code ${code}) before its API came up: ${child.output() || 'no output'}`);
    }
    if (performance.now() > deadline) throw new BenchTimeout('the API did not come up in time');
    await sleep(10);
  }
}

/** Runs read-only SQL through the API and returns its rows. */
export async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${url}/api/query?sql=${encodeURIComponent(text)}`);
  const body = (await res.json()) as { rows?: Record<string, unknown>[]; error?: { message?: string } };
  if (!res.ok || !body.rows) throw new Error(`query failed (${res.status}): ${body.error?.message ?? ''}`);
  return body.rows;
}

/** `SELECT count(*) AS n FROM logs [WHERE ...]` through the API. */
export async function count(url: string, where = ''): Promise<number> {
  const rows = await sql(url, `SELECT count(*) AS n FROM logs${where ? ` WHERE ${where}` : ''}`);
  return Number(rows[0]?.n ?? 0);
}

/** A `VmHWM`/`VmRSS`-style line of /proc/<pid>/status, in bytes; NaN when unreadable. */
export function procStatusBytes(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface ProcInfo {
  pid: number;
  ppid: number;
}

/** Every process below `root` (children, their children, ...), from /proc/<pid>/stat. */
export function descendants(root: number): ProcInfo[] {
  const byParent = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = byParent.get(ppid) ?? [];
      list.push(Number(name));
      byParent.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const out: ProcInfo[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop()!;
    for (const c of byParent.get(p) ?? []) {
      out.push({ pid: c, ppid: p });
      todo.push(c);
    }
  }
  return out;
}

const ROLES = ['store', 'parse', 'collect', 'generate', 'query', 'tail', 'serve', 'server'];

/**
 * A short name for a process from its command line: the first argument that names a component
 * (`store`, `parse`, `collect`, `generate`, or a script file named after one), else the script's
 * file name.
 */
export function processLabel(pid: number): string {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return `pid ${pid}`;
  }
  for (const a of args.slice(1)) {
    if (ROLES.includes(a)) return a;
    const file = basename(a).replace(/\.[cm]?js$/, '');
    const role = ROLES.find((r) => file === r || file.split(/[-_.]/).includes(r));
    if (role && /\.[cm]?js$/.test(a)) return role;
  }
  const script = args.slice(1).find((a) => !a.startsWith('-'));
  return basename(script ?? args[0] ?? `pid ${pid}`);
}

export interface PeakMemory {
  /** Peak resident bytes per label, with how many processes had that label. */
  peaks(): Map<string, { bytes: number; processes: number }>;
  stop(): void;
}

/**
 * Samples a process and its descendants every `everyMs`: each one's VmHWM (the kernel's own peak
 * of resident memory, so a spike between samples still counts), kept per label. The root is
 * labelled `rootLabel`.
 */
export function samplePeakMemory(root: number, rootLabel: string, everyMs = 200): PeakMemory {
  const perPid = new Map<number, { label: string; bytes: number; named: boolean }>();
  const sample = () => {
    const pids = [{ pid: root, label: rootLabel }];
    for (const d of descendants(root)) pids.push({ pid: d.pid, label: '' });
    for (const { pid, label } of pids) {
      const bytes = procStatusBytes(pid, 'VmHWM');
      if (Number.isNaN(bytes)) continue;
      let entry = perPid.get(pid);
      if (!entry) perPid.set(pid, (entry = { label, bytes, named: label !== '' }));
      entry.bytes = Math.max(entry.bytes, bytes);
      // Caught between fork and exec, a child shows its parent's command line, or none: look
      // again until it names a component.
      if (!entry.named) {
        entry.label = processLabel(pid);
        entry.named = ROLES.includes(entry.label);
      }
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peaks() {
      sample();
      const out = new Map<string, { bytes: number; processes: number }>();
      for (const { label, bytes } of perPid.values()) {
        const prev = out.get(label);
        out.set(label, {
          bytes: Math.max(prev?.bytes ?? 0, bytes),
          processes: (prev?.processes ?? 0) + 1,
        });
      }
      return out;
    },
    stop: () => clearInterval(timer),
  };
}

/** The value at quantile `q` (0..1) of sorted numbers, interpolated as DuckDB's quantile_cont. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** What a CLI command run to its end printed, and how long it took from spawn to exit. */
export interface Finished {
  output: string;
  ms: number;
}

/**
 * Runs `logpipe ...args` to its end; throws on a non-zero exit or after `timeoutMs`. `output` is
 * its whole stdout when `keepStdout` is set (a query's answer), else the last few KiB of both.
 */
export async function runToEnd(args: string[], timeoutMs: number, keepStdout = false): Promise<Finished> {
  const child = startCli(args, keepStdout);
  try {
    const r = await within(child.exited, timeoutMs, null);
    const ms = performance.now() - child.startedAt;
    if (r === null) throw new BenchTimeout(`logpipe ${args[0]} took over ${(timeoutMs / 1000).toFixed(0)} s`);
    if (r.code !== 0) throw new Error(`logpipe ${args[0]} exited ${r.code}: ${child.output()}`);
    return { output: keepStdout ? child.stdout() : child.output(), ms };
  } finally {
    await child.stop(5000);
  }
}
