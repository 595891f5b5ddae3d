/**
 * Issue #27, section 4 "Every query is bounded": a query answers, or fails with one clean line,
 * within its time limit, the process staying under the store's memory limit plus a fixed margin,
 * through the CLI (read-only open) and through the HTTP API of `logpipe store --serve`.
 * - `x0 OR x1 … OR x999 | count` was planned a condition per word over the (rebuilt) line: the
 *   engine spent seconds planning it, where its interrupt does not reach, then ran per-term
 *   vectors out of reach of its memory limit, a chunk taking seconds, so the interrupt landed
 *   late: 59 s and 1.9 GB through the CLI with its 30 s limit, 38 s and 625 MB over HTTP with a
 *   512 MB limit (30,000 lines). Many OR'd free-text words are now one regex pass.
 * - A query whose SQL would still be large (100 AND'd words) is refused with a QueryError naming
 *   the limit, before the engine sees it.
 * - A read-only open (`logpipe query` with no storage process) ran without a memory limit
 *   (DuckDB's default: 80 % of the machine); it now runs under `storage.memory_limit`'s default.
 * There is no setting for the query time limit: both interfaces run under the default (30 s).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_TIMEOUT_MS, STORAGE_DEFAULTS } from '../../src/core/defaults.js';
import { parseSize } from '../../src/core/units.js';
import { readServerInfo } from '../../src/server/discovery.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { storePath } from '../../src/storage/index.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const WORDS = Array.from({ length: 1000 }, (_, i) => `x${i}`);
const OR_QUERY = `${WORDS.join(' OR ')} | count`;
/** Memory a process may take beyond the store's memory limit (Node, the engine's code, buffers). */
const MARGIN_BYTES = 256 * 1024 * 1024;
/** Starting a process and opening the store, on a loaded machine (not part of a query's time). */
const START_MS = 10_000;
/**
 * How late past its time limit a query may end: the engine's interrupt landing. The CLI's whole
 * run (start-up included) must end within the limit plus this: it answers, or it fails with a
 * line of its own (a QueryError); a timeout would come later.
 */
const SLACK_MS = 2000;
/** `storage.memory_limit` of the served store. */
const SERVED_MEMORY_LIMIT = '256MiB';

let dataDir = '';
/** Lines holding any of the words, lowercased as the search does. */
let expected = 0;

beforeAll(async () => {
  const dir = tempDir('logpipe-bounded-');
  const log = join(dir, 'access.log');
  dataDir = join(dir, 'data');
  const gen = await runCli([
    'generate',
    '--count',
    '30000',
    '--seed',
    '27',
    '--start-time',
    '2026-01-01T00:00:00Z',
    '--rate',
    '20',
    '-o',
    log,
  ]);
  expect(gen.code, gen.stderr).toBe(0);
  const imp = await runCli(['store', '-d', dataDir, '--import', log, '-q']);
  expect(imp.code, imp.stderr).toBe(0);
  const lines = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  expected = lines.filter((l) => {
    const low = l.toLowerCase();
    return WORDS.some((w) => low.includes(w));
  }).length;
  expect(expected).toBeGreaterThan(0);
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Largest resident set a live process has had, in bytes (Linux: VmHWM). */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Watches a child's peak memory until `done` settles; kills it at `capMs` (a failure). */
async function watched<T>(
  child: ChildProcess,
  done: Promise<T>,
  capMs: number,
): Promise<{ value: T | 'killed at the cap'; ms: number; peak: number }> {
  const started = performance.now();
  let peak = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRss(child.pid!));
  }, 50);
  let cap: NodeJS.Timeout | undefined;
  const capped = new Promise<'killed at the cap'>((r) => {
    cap = setTimeout(() => {
      peak = Math.max(peak, peakRss(child.pid!));
      child.kill('SIGKILL');
      r('killed at the cap');
    }, capMs);
  });
  try {
    const value = await Promise.race([done, capped]);
    peak = Math.max(peak, peakRss(child.pid!));
    return { value, ms: performance.now() - started, peak };
  } finally {
    clearInterval(poll);
    clearTimeout(cap);
  }
}

const MiB = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

describe('1,000 OR’d free-text words', () => {
  it('answer through the CLI (read-only open) within the time limit and the memory limit', async () => {
    const limit = parseSize(STORAGE_DEFAULTS.memory_limit);
    const child = spawn(process.execPath, [CLI, 'query', '-d', dataDir, OR_QUERY, '--format', 'ndjson'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => (out += b));
    child.stderr!.on('data', (b: Buffer) => (err += b));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const r = await watched(child, exited, QUERY_TIMEOUT_MS + SLACK_MS);
    const seen = `${r.value} after ${Math.round(r.ms)} ms, peak ${MiB(r.peak)}: ${err.slice(0, 300)}`;
    expect(r.value, seen).not.toBe('killed at the cap');
    expect(r.peak, seen).toBeLessThan(limit + MARGIN_BYTES);
    if (r.value === 0) expect(JSON.parse(out)).toEqual({ count: expected });
    else expect(err.split('\n')[0], seen).toMatch(/^logpipe: query error: /);
  });

  it('answer through the HTTP API of `logpipe store --serve` within the time limit and the memory limit', async () => {
    const served = join(tempDir('logpipe-bounded-served-'), 'data');
    cpSync(dataDir, served, { recursive: true });
    const limit = parseSize(SERVED_MEMORY_LIMIT);
    const child = spawn(
      process.execPath,
      [
        CLI,
        'store',
        '--serve',
        '-d',
        served,
        '--port',
        '0',
        '--set',
        `storage.memory_limit=${SERVED_MEMORY_LIMIT}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    children.push(child);
    let log = '';
    child.stdout!.on('data', (b: Buffer) => (log += b));
    child.stderr!.on('data', (b: Buffer) => (log += b));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const url = await waitFor(
      'the store to serve',
      async () => {
        const info = readServerInfo(served);
        return info && (await fetch(`${info.url}/healthz`)).ok ? info.url : undefined;
      },
      START_MS,
    ).catch((err) => {
      throw new Error(`${err.message}: ${log}`);
    });
    // Its queries run under the default time limit (there is no setting for it).
    const cap = QUERY_TIMEOUT_MS + SLACK_MS;
    const answer = fetch(`${url}/api/query?q=${encodeURIComponent(OR_QUERY)}`, {
      signal: AbortSignal.timeout(cap + 1000),
    }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as { rows?: { count: number }[]; error?: { type: string; message: string } },
    }));
    answer.catch(() => {});
    const r = await watched(child, answer, cap);
    const seen = `after ${Math.round(r.ms)} ms, peak ${MiB(r.peak)}: ${JSON.stringify(r.value).slice(0, 300)}`;
    expect(r.value, seen).not.toBe('killed at the cap');
    expect(r.peak, seen).toBeLessThan(limit + MARGIN_BYTES);
    if (r.value === 'killed at the cap') return;
    if (r.value.status === 200) expect(r.value.body.rows).toEqual([{ count: expected }]);
    else
      expect(r.value.body.error, seen).toEqual({
        type: 'storage',
        message: expect.stringMatching(/took longer/),
      });
    child.kill('SIGTERM');
    await exited;
  });
});

describe('a query too large to plan', () => {
  const AND_QUERY = `${WORDS.slice(0, 100).join(' ')} | count`;

  it('is refused with one line naming the limit', async () => {
    const r = await runCli(['query', '-d', dataDir, AND_QUERY], { timeoutMs: START_MS + SLACK_MS });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^logpipe: query error: the query is too large: it plans to [\d,]+ characters of SQL, over the query SQL limit of [\d,]+; use fewer terms/,
    );
    expect(r.stdout).toBe('');
  });
});

describe('the memory limit', () => {
  it('applies to the query connections of a read-only open', async () => {
    const store = await openDuckDbStore({ path: storePath(dataDir), readOnly: true });
    try {
      const r = await store.query({ sql: "SELECT current_setting('memory_limit') AS m", params: [] });
      const bytes = parseSize(String(r.rows[0].m));
      expect(bytes).toBeLessThanOrEqual(parseSize(STORAGE_DEFAULTS.memory_limit));
    } finally {
      await store.close();
    }
  });
});
