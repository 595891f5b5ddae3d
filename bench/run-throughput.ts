/**
 * `logpipe run` (or `up`) over an existing input until every line is queryable, as a user runs it:
 * the built CLI with the default settings and one file source (a path or a glob), timed until
 * `SELECT count(*) FROM logs` through the query API reaches the expected count. Peak resident
 * memory (VmHWM) of every process is sampled meanwhile. Shared by the pipeline and peers benches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BenchTimeout,
  type CliChild,
  count,
  samplePeakMemory,
  sleep,
  startCli,
  waitForUrl,
} from './pipeline-helpers.js';

/** How often the count is asked for. */
const COUNT_POLL_MS = 100;

export type Mode = 'run' | 'up';

export interface ThroughputOptions {
  mode: Mode;
  /** A file path or glob the source tails from the beginning. */
  input: string;
  /** The count of events that means "all queryable". */
  expected: number;
  /** A temporary directory for the data dir and config (removed again). */
  root: string;
  timeoutMs: number;
  /**
   * When set, a count that has not moved for this long (and is above 0) also ends the wait: for
   * inputs whose event count is not known exactly (multi-line events). Timed to the poll that
   * first saw the final count.
   */
  settleMs?: number;
}

export interface ThroughputResult {
  /** Events queryable at the end (may differ from `expected` when the count settled). */
  events: number;
  /** Whether the count settled below or above `expected` instead of reaching it. */
  settled: boolean;
  /** Process start → `server.json` (the API is up, the sources start reading). */
  startupMs: number;
  /** `server.json` appearing (≈ first read) → all queryable. */
  fromReadyMs: number;
  /** Process start → all queryable. */
  fromStartMs: number;
  /** The first count above 0, and when it came after ready. */
  first: { n: number; afterReadyMs: number };
  /** First event visible → all queryable. */
  fromFirstMs: number;
  /** Events stored with `format = 'unknown'`. */
  unknown: number;
  /** Peak resident bytes per process label (`run`, or `supervisor`, `store`, ... under `up`). */
  peaks: Map<string, { bytes: number; processes: number }>;
  /** How the process stopped after SIGINT. */
  stopped: string;
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/** Writes a YAML config (JSON is YAML, so every value is quoted safely). */
export function writeConfig(path: string, config: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** Runs `logpipe <mode>` over the input until all of it is queryable; throws on failure or timeout. */
export async function measureThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const dir = mkdtempSync(join(o.root, `${o.mode}-`));
  const dataDir = join(dir, 'data');
  const config = join(dir, 'logpipe.yaml');
  writeConfig(config, {
    data_dir: dataDir,
    sources: [{ type: 'file', paths: [o.input] }],
    server: { port: 0 },
  });
  const deadline = performance.now() + o.timeoutMs;
  let child: CliChild | null = null;
  let memory: ReturnType<typeof samplePeakMemory> | null = null;
  try {
    child = startCli(o.mode === 'run' ? ['run', '--config', config, '--quiet'] : ['up', '--config', config]);
    memory = samplePeakMemory(child.pid, o.mode === 'run' ? 'run' : 'supervisor');
    const url = await waitForUrl(dataDir, child, deadline);
    const ready = performance.now();
    let first: { t: number; n: number } | null = null;
    let n = 0;
    let changed = { t: ready, n: 0 };
    let settled = false;
    let lastError = '';
    for (let tick = 1; ; tick++) {
      try {
        n = await count(url);
        lastError = '';
      } catch (err) {
        lastError = errText(err); // the API may be busy for a moment; the deadline bounds this
      }
      const t = performance.now();
      if (n > 0 && !first) first = { t, n };
      if (n !== changed.n) changed = { t, n };
      if (n >= o.expected) break;
      if (o.settleMs !== undefined && n > 0 && t - changed.t >= o.settleMs) {
        settled = true;
        break;
      }
      if (child.done())
        throw new Error(`exited with ${int(n)} of ${int(o.expected)} events queryable: ${child.output()}`);
      if (t > deadline) {
        throw new BenchTimeout(
          `${int(n)} of ${int(o.expected)} events queryable after ${secs(t - child.startedAt)}${lastError ? ` (${lastError})` : ''}`,
        );
      }
      await sleep(Math.max(0, ready + tick * COUNT_POLL_MS - performance.now()));
    }
    // A settled count is timed to the poll that first saw it, not to the end of the wait.
    const done = settled ? changed.t : performance.now();
    const unknown = await count(url, "format = 'unknown'").catch(() => Number.NaN);
    const peaks = memory.peaks();
    memory.stop();
    const stopping = performance.now();
    await child.stop();
    const { code, signal } = await child.exited;
    const stopped = child.killed()
      ? 'did not stop within 60 s of SIGINT: killed'
      : `stopped ${secs(performance.now() - stopping)} after SIGINT, exit ${code ?? signal}`;
    return {
      events: n,
      settled,
      startupMs: ready - child.startedAt,
      fromReadyMs: done - ready,
      fromStartMs: done - child.startedAt,
      first: { n: first!.n, afterReadyMs: first!.t - ready },
      fromFirstMs: done - first!.t,
      unknown,
      peaks,
      stopped,
    };
  } finally {
    memory?.stop();
    await child?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
