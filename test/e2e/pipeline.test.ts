/**
 * The whole pipeline, as a user runs it: `logpipe run` generates 10,000 seeded apache_combined
 * lines into a file, tails, parses and stores them; the store must hold exactly those lines, with
 * the per-status counts the generated file itself shows.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readServerInfo } from '../../src/server/discovery.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { storePath } from '../../src/storage/index.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const LINES = 10_000;
let child: ChildProcess | null = null;

afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
});

function statusCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /" (\d{3}) /.exec(line);
    if (!m) throw new Error(`no status in generated line: ${line}`);
    const s = Number(m[1]);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

describe('logpipe run, end to end', () => {
  it.each([0, 2])(
    'stores every generated line exactly once, with the right statuses (parse.workers: %i)',
    async (workers) => {
      const dir = tempDir();
      const dataDir = join(dir, 'data');
      const logFile = join(dir, 'logs', 'access.log');
      const config = join(dir, 'logpipe.yaml');
      writeFileSync(
        config,
        [
          `data_dir: ${dataDir}`,
          'generators:',
          `  - { format: apache_combined, path: ${logFile}, rate: max, count: ${LINES}, seed: 42 }`,
          'sources:',
          `  - { type: file, paths: ["${join(dir, 'logs')}/*.log"], poll_interval: 50ms }`,
          'storage: { flush_interval: 100ms }',
          `parse: { workers: ${workers} }`,
          'server: { port: 0 }',
          '',
        ].join('\n'),
      );
      child = spawn(process.execPath, [CLI, 'run', '--config', config, '--quiet'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));

      const url = await waitFor('the API', async () => readServerInfo(dataDir)?.url);
      const rows = await waitFor('all lines stored', async () => {
        const stats = (await (await fetch(`${url}/api/stats`)).json()) as { rows: number };
        return stats.rows >= LINES ? stats.rows : undefined;
      });
      expect(rows).toBe(LINES);

      child.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
      child = null;

      const expected = statusCounts(readFileSync(logFile, 'utf8'));
      const store = await openDuckDbStore({ path: storePath(dataDir), readOnly: true });
      try {
        const r = await store.query({
          sql: 'SELECT status, count(*) AS n, count(DISTINCT "offset") AS offsets, min(format) AS f FROM logs GROUP BY status',
          params: [],
        });
        const stored = new Map(r.rows.map((row) => [row.status as number, row.n as number]));
        expect(stored).toEqual(expected);
        for (const row of r.rows) {
          expect(row.offsets).toBe(row.n);
          expect(row.f).toBe('apache_combined');
        }
      } finally {
        await store.close();
      }

      // The query command agrees, reading the store directly now that no process owns it.
      const fives = [...expected].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
      const q = await runCli([
        'query',
        'status>=500',
        '--data-dir',
        dataDir,
        '--format',
        'ndjson',
        '--limit',
        '100000',
      ]);
      expect(q.stderr).toBe('');
      expect(q.stdout.split('\n').filter(Boolean)).toHaveLength(fives);
    },
  );

  it('answers queries over HTTP while it runs', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    child = spawn(
      process.execPath,
      [CLI, 'run', '--data-dir', dataDir, '--set', 'server.port=0', '--quiet'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    await waitFor('the API', async () => readServerInfo(dataDir)?.url);
    // The built-in demo generates web and api logs; wait until some are stored.
    await waitFor('demo events', async () => {
      const r = await runCli(['query', '*', '--data-dir', dataDir, '--format', 'json']);
      const rows = JSON.parse(r.stdout) as unknown[];
      return rows.length > 0 ? rows : undefined;
    });
    const r = await runCli(['query', 'service:web status>=100', '--data-dir', dataDir, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      expect(JSON.parse(line)).toMatchObject({ service: 'web', format: 'apache_combined' });
    }

    // `logpipe tail` shows new events as they are committed.
    const tail = spawn(
      process.execPath,
      [CLI, 'tail', 'service:web', '--data-dir', dataDir, '--format', 'ndjson'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let tailed = '';
    tail.stdout!.on('data', (b: Buffer) => (tailed += b.toString()));
    const tailExit = new Promise<number | null>((res) => tail.on('exit', (code) => res(code)));
    await waitFor('tailed events', async () =>
      tailed.split('\n').filter(Boolean).length >= 3 ? true : undefined,
    );
    tail.kill('SIGINT');
    expect(await tailExit).toBe(0);
    for (const line of tailed.split('\n').filter(Boolean))
      expect(JSON.parse(line)).toMatchObject({ service: 'web' });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = null;
  });
});
