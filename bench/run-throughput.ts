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
   * For inputs whose event count is not known exactly (multi-line events, where `expected` is
   * what an import of the same files stored): when set, the wait ends once the count has not
   * moved for this long (six times as long while it is below `expected`, so a stall is not
   * taken for the end), and is timed to the poll that first saw the final count. The result's
   * `events` then says whether it met `expected`.
   */
  settleMs?: number;
}

export interface ThroughputResult {
  /** Events queryable at the end (with `settleMs`, possibly more or fewer than `expected`). */
  events: number;
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
      if (o.settleMs === undefined) {
        if (n >= o.expected) break;
      } else if (n > 0 && t - changed.t >= (n >= o.expected ? o.settleMs : 6 * o.settleMs)) break;
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
    const done = o.settleMs !== undefined ? changed.t : performance.now();
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
