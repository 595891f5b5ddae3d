/**
 * The supervisor of `logpipe up`: runs each component as its own OS process, starts them in
 * dependency order (each waits for the previous one to answer /healthz), restarts one that
 * exits with exponential backoff, and stops them in reverse order on shutdown. What runs and
 * where is kept in `<data-dir>/up.json`, which `logpipe status` reads (and the next `logpipe
 * up` too, for leftovers: leftovers.ts). Children stop by themselves if the supervisor dies
 * (orphan-watch.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { supervisedSpawn } from './orphan-watch.js';

/** One component process. */
export interface ChildSpec {
  name: string;
  /** Arguments to the logpipe CLI. */
  args: string[];
  /** Base URL of its /healthz and /status, when it serves them. */
  url?: string;
  /** `always`: restart on any exit; `on-failure`: a clean exit (exit code 0) means done. */
  restart: 'always' | 'on-failure';
}

/** What up.json records of a component. */
export interface ChildState {
  name: string;
  state: 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'done';
  pid: number | null;
  url?: string;
  restarts: number;
  started_at: string | null;
  last_exit: string | null;
}

export interface SupervisorOptions {
  /** The logpipe CLI entry (`dist/bundle/cli/main.js`). */
  cli: string;
  children: ChildSpec[];
  dataDir: string;
  log: Logger;
  /** Aborting stops everything, in reverse order. */
  signal: AbortSignal;
  /** Where children's stderr lines go, prefixed with their name; default the supervisor's stderr. */
  output?: (line: string) => void;
  /** Longest wait for a child to answer /healthz at start. */
  startTimeoutMs?: number;
  /** Longest wait for a child to exit after SIGTERM before SIGKILL; default STOP_TIMEOUT_MS. */
  stopTimeoutMs?: number;
  /**
   * Aborting stops at once: every child still running is killed (SIGKILL). Nothing is lost by
   * it (a batch is acknowledged only once stored), but what was in flight waits for the next start.
   */
  now?: AbortSignal;
}

/** How long a child gets to stop after SIGTERM before it is killed (`logpipe up --stop-timeout`). */
export const STOP_TIMEOUT_MS = 10_000;

interface Running {
  spec: ChildSpec;
  state: ChildState;
  child: ChildProcess | null;
  exited: Promise<void> | null;
  /** Consecutive quick failures, for the backoff. */
  failures: number;
  startedMs: number;
  timer: NodeJS.Timeout | null;
  /** Reached `running` at least once. */
  everRan: boolean;
  /** The child's last line of output: the reason, when it fails. */
  lastLine: string;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
/** A child that ran this long before exiting counts as healthy: its backoff starts over. */
const HEALTHY_AFTER_MS = 30_000;

/** The file `logpipe status` reads. */
export function upStatePath(dataDir: string): string {
  return join(dataDir, 'up.json');
}

/** Runs the children until the signal; resolves once all have stopped. */
export async function supervise(opts: SupervisorOptions): Promise<void> {
  const { log } = opts;
  const out = opts.output ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = new Date().toISOString();
  const all: Running[] = opts.children.map((spec) => ({
    spec,
    state: {
      name: spec.name,
      state: 'stopped',
      pid: null,
      ...(spec.url ? { url: spec.url } : {}),
      restarts: 0,
      started_at: null,
      last_exit: null,
    },
    child: null,
    exited: null,
    failures: 0,
    startedMs: 0,
    timer: null,
    everRan: false,
    lastLine: '',
  }));
  let stopping = false;
  // A component that refuses its config (exit code 2) before ever running will refuse it again.
  const fatal = new AbortController();
  let fatalError: Error | null = null;
  const signal = AbortSignal.any([opts.signal, fatal.signal]);

  // Set once up.json is removed: a health check still pending then must not write it again.
  let finished = false;
  const save = () => {
    if (finished) return;
    const path = upStatePath(opts.dataDir);
    try {
      writeFileSync(
        `${path}.tmp`,
        `${JSON.stringify({ pid: process.pid, started_at: startedAt, components: all.map((r) => r.state) }, null, 1)}\n`,
      );
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      log.warn(`cannot write ${path}: ${(err as Error).message}`);
    }
  };

  const launch = (r: Running) => {
    r.timer = null;
    if (stopping) return;
    // With an IPC channel its end tells the child its supervisor is gone (orphan-watch.ts).
    const how = supervisedSpawn(opts.dataDir);
    // Each child in a process group of its own: a Ctrl-C at the terminal signals the terminal's
    // group, which is the supervisor's alone, so the supervisor decides the order of the stop.
    // (In the terminal's group, the store took the Ctrl-C with the others and closed while the
    // collector and parser still had batches in flight, left for the next start.)
    const child = spawn(process.execPath, [...heapFlags(), opts.cli, ...r.spec.args], {
      stdio: how.stdio,
      env: { ...how.env, LOGPIPE_RESTARTS: String(r.state.restarts) },
      detached: true,
    });
    r.child = child;
    r.startedMs = Date.now();
    r.state = { ...r.state, state: 'starting', pid: child.pid ?? null, started_at: new Date().toISOString() };
    const keep = (line: string) => {
      r.lastLine = line;
      out(`[${r.spec.name}] ${line}`);
    };
    prefixLines(child.stdout!, keep);
    prefixLines(child.stderr!, keep);
    r.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        const ran = (Date.now() - r.startedMs) / 1000;
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        r.child = null;
        r.state = { ...r.state, pid: null, last_exit: `${how} after ${ran.toFixed(1)} s` };
        if (stopping) {
          r.state.state = 'stopped';
        } else if (code === 2 && (!r.everRan || !r.spec.url)) {
          // Exit code 2 is a refused config or usage: restarting cannot help. A child without a
          // health URL (a generator) counts as running at once, so for it any exit 2 is final.
          r.state.state = 'stopped';
          fatalError = new UserError(
            `${r.spec.name} cannot start: ${r.lastLine.replace(/^logpipe: (error: )?/, '') || how}`,
          );
          fatal.abort();
        } else if (r.spec.restart === 'on-failure' && code === 0) {
          r.state.state = 'done';
          log.info(`${r.spec.name} finished after ${ran.toFixed(1)} s`);
        } else {
          r.failures = Date.now() - r.startedMs >= HEALTHY_AFTER_MS ? 0 : r.failures + 1;
          const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.max(0, r.failures - 1));
          r.state.restarts++;
          r.state.state = 'backoff';
          log.warn(
            `${r.spec.name} (pid ${child.pid}) ended (${how}) after ${ran.toFixed(1)} s; restarting in ${(delay / 1000).toFixed(2)} s (restart ${r.state.restarts})`,
          );
          r.timer = setTimeout(() => {
            launch(r);
            void waitHealthy(r).then(save);
          }, delay);
        }
        save();
        resolve();
      });
    });
    child.once('error', (err) => log.error(`${r.spec.name}: cannot start: ${err.message}`));
    save();
  };

  const waitHealthy = async (r: Running): Promise<boolean> => {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    const child = r.child;
    while (!stopping && r.child === child && child) {
      if (!r.spec.url || (await healthy(r.spec.url, child.pid))) {
        if (r.child !== child) return false;
        r.state.state = 'running';
        r.everRan = true;
        return true;
      }
      if (Date.now() > deadline) {
        // Alive but never answering is hung (a stuck open, a wedged port): left alone it would
        // hold the start forever. Killed, it counts as a crash and is restarted with backoff.
        log.error(
          `${r.spec.name} (pid ${child.pid}) did not answer ${r.spec.url}/status within ${((opts.startTimeoutMs ?? 60_000) / 1000).toFixed(1)} s; killing it to start it again`,
        );
        child.kill('SIGKILL');
        return false;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    return false;
  };

  // Start in order: each component waits for the one before it (store, then parser, then ...).
  for (const r of all) {
    if (signal.aborted) break;
    launch(r);
    let ok = await waitHealthy(r);
    // A child that died while starting is being restarted with backoff; wait for that attempt.
    while (!ok && !signal.aborted && r.state.state !== 'done' && !stopping) {
      await new Promise((res) => setTimeout(res, 200));
      if (r.child) ok = await waitHealthy(r);
    }
    save();
    if (ok) log.info(`${r.spec.name} running (pid ${r.state.pid})${r.spec.url ? ` at ${r.spec.url}` : ''}`);
  }

  await new Promise<void>((r) =>
    signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true }),
  );
  stopping = true;
  const stopTimeoutMs = opts.stopTimeoutMs ?? STOP_TIMEOUT_MS;
  const killAll = () => {
    for (const r of all) r.child?.kill('SIGKILL');
  };
  opts.now?.addEventListener('abort', killAll, { once: true });
  // Stop in reverse order: producers first, so everything in flight reaches the store.
  for (const r of [...all].reverse()) {
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    const child = r.child;
    if (!child) {
      if (r.state.state !== 'done') r.state.state = 'stopped';
      continue;
    }
    r.state.state = 'stopping';
    save();
    const began = Date.now();
    let killed = false;
    if (opts.now?.aborted) {
      killed = true;
      child.kill('SIGKILL');
    } else child.kill('SIGTERM');
    const killer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, stopTimeoutMs);
    await r.exited;
    clearTimeout(killer);
    const took = `${((Date.now() - began) / 1000).toFixed(1)} s`;
    if (!killed) log.info(`stopped ${r.spec.name} (pid ${child.pid}) in ${took}`);
    else if (opts.now?.aborted) log.warn(`killed ${r.spec.name} (pid ${child.pid}) after ${took}`);
    else {
      log.warn(
        `${r.spec.name} (pid ${child.pid}) did not stop in time; killing it: gone after ${took} (the stop timeout is ${stopTimeoutMs / 1000} s)`,
      );
    }
  }
  opts.now?.removeEventListener('abort', killAll);
  save();
  finished = true;
  rmSync(upStatePath(opts.dataDir), { force: true });
  if (fatalError) throw fatalError;
}

/**
 * True when the process answering at `url` is this child: its /status names the child's pid. A
 * /healthz alone would also pass for another process already holding the port (another store),
 * and the child, refused the port, would then be restarted forever instead of reported.
 */
async function healthy(url: string, pid: number | undefined): Promise<boolean> {
  try {
    const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) {
      await res.body?.cancel();
      return false;
    }
    const body = (await res.json()) as { components?: { pid?: number }[] };
    return (body.components ?? []).some((c) => c.pid === pid);
  } catch {
    return false;
  }
}

/** Passes a child's output on line by line, each prefixed with its name. */
function prefixLines(stream: NodeJS.ReadableStream, out: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = rest + chunk;
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l !== '') out(l);
  });
  stream.on('end', () => {
    if (rest !== '') out(rest);
  });
}

/**
 * The supervisor's own V8 heap flags, for its children: started as `logpipe up`, the executable's
 * launcher gave it `--max-semi-space-size` and `--heap-growing-percent` (scripts/build-cli.mjs),
 * and each component should run as it would alone. Other flags (an inspector port, a profile
 * directory) stay with the supervisor.
 */
function heapFlags(): string[] {
  return process.execArgv.filter((f) => /^--(max-(semi|old)-space-size|heap-growing-percent)=/.test(f));
}
