/**
 * logpipe's side of the comparison, through the built CLI as a user runs it: `store --import` of
 * files into a fresh data dir, fresh `logpipe query` processes asking lnav's three questions, and
 * what a store and `zstd -19` of the same text take on disk.
 */
import { spawn } from 'node:child_process';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runToEnd, startCli, waitForUrl } from '../pipeline-helpers.js';
import { writeConfig } from '../run-throughput.js';
import type { LnavQuestion } from './peer-output.js';

/** `store --import` of `files` into `dataDir` (fresh), timed from spawn to exit. */
export async function importFiles(files: string[], dataDir: string, timeoutMs: number): Promise<number> {
  const { ms } = await runToEnd(['store', '--data-dir', dataDir, '--quiet', '--import', ...files], timeoutMs);
  return ms;
}

/** Runs a query in a fresh `logpipe query` process; its rows and the wall time from spawn to exit. */
export async function freshQuery(
  dataDir: string,
  args: string[],
  timeoutMs: number,
): Promise<{ rows: Record<string, unknown>[]; ms: number }> {
  const { output, ms } = await runToEnd(
    ['query', '--data-dir', dataDir, '--format', 'json', ...args],
    timeoutMs,
    true,
  );
  return { rows: JSON.parse(output) as Record<string, unknown>[], ms };
}

/** Events stored in `dataDir` (one more query, not timed). */
export async function storedEvents(dataDir: string, timeoutMs: number): Promise<number> {
  const { rows } = await freshQuery(dataDir, ['--sql', 'SELECT count(*) AS n FROM logs'], timeoutMs);
  return Number(rows[0]?.n);
}

/** lnav.sh's three questions in logpipe's query language (the same predicates as its SQL). */
export const QUERIES: Record<LnavQuestion, string> = {
  '5xx': 'status>=500 | count',
  status: '* | count by status',
  api: 'path:*/api/* | count',
};

export interface QueryAnswers {
  ms: Map<LnavQuestion, number>;
  fiveXx: number;
  byStatus: Map<number, number>;
  api: number;
}

/** Asks the three questions, each in a fresh process. */
export async function askQuestions(dataDir: string, timeoutMs: number): Promise<QueryAnswers> {
  const ms = new Map<LnavQuestion, number>();
  const ask = async (q: LnavQuestion) => {
    const r = await freshQuery(dataDir, [QUERIES[q]], timeoutMs);
    ms.set(q, r.ms);
    return r.rows;
  };
  const fiveXx = Number((await ask('5xx'))[0]?.count);
  const byStatus = new Map<number, number>();
  for (const row of await ask('status')) byStatus.set(Number(row.status), Number(row.count));
  const api = Number((await ask('api'))[0]?.count);
  return { ms, fiveXx, byStatus, api };
}

/**
 * Runs `use` while a pipeline (`logpipe run` with no sources) holds `dataDir`, so a fresh
 * `logpipe query` asks it over HTTP instead of opening the store itself.
 */
export async function whilePipelineRuns<T>(
  dataDir: string,
  config: string,
  timeoutMs: number,
  use: () => Promise<T>,
): Promise<T> {
  writeConfig(config, { data_dir: dataDir, sources: [], server: { port: 0 } });
  const child = startCli(['run', '--config', config, '--quiet']);
  try {
    await waitForUrl(dataDir, child, performance.now() + timeoutMs);
    return await use();
  } finally {
    await child.stop();
  }
}

/** Bytes of every file under `dir`. */
export function bytesOnDisk(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += bytesOnDisk(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** The size of `zstd -19` of the files' text, one after the other as one stream. */
export function zstd19Bytes(files: string[]): Promise<number> {
  return new Promise((resolveSize, reject) => {
    const z = spawn('zstd', ['-19', '-q', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let size = 0;
    let err = '';
    z.stdout.on('data', (b: Buffer) => (size += b.length));
    z.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    z.on('error', reject);
    z.on('exit', (code) =>
      code === 0 ? resolveSize(size) : reject(new Error(`zstd exited ${code}: ${err.trim()}`)),
    );
    (async () => {
      for (const f of files) {
        for await (const chunk of createReadStream(f)) {
          if (!z.stdin.write(chunk)) await new Promise((r) => z.stdin.once('drain', r));
        }
      }
      z.stdin.end();
    })().catch(reject);
  });
}
