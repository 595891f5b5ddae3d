/**
 * Issue #27, "Files: the catalog is an index, never the only record". `rm store/logs.duckdb`
 * then `logpipe run` used to print "removed 3 unfinished partition file(s) left by a crash" and
 * lose every sealed row (the collector's checkpoint was intact, so they were never read again).
 * Each sealed partition now carries its catalog row and offsets in its footer, and the store
 * rebuilds its catalog from its files: every row stays, and a re-run stores nothing twice. A
 * seal's true crash leftover (its segments still on disk) is still recognised as redundant.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { memoryLogger } from '../../src/core/log.js';
import { readServerInfo } from '../../src/server/discovery.js';
import { type DuckDbStoreOptions, openDuckDbStore } from '../../src/storage/duckdb/engine.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 2);

function ev(i: number, tsMs: number, source = '/var/log/app.log'): LogEvent {
  return {
    ts: tsMs * 1000,
    level: i % 10 === 0 ? 'error' : 'info',
    service: i % 2 ? 'api' : 'web',
    host: 'h1',
    source,
    generation: 'g',
    offset: i * 100,
    format: 'json',
    message: `event ${i}`,
    fields: { i },
    raw: `{"i":${i}}`,
  };
}

/** `perHour` events an hour over `hours` hours from T0, offsets continuing from `start`. */
function spread(hours: number, perHour: number, start = 0): LogEvent[] {
  const out: LogEvent[] = [];
  for (let h = 0; h < hours; h++)
    for (let k = 0; k < perHour; k++) out.push(ev(start + h * perHour + k, T0 + h * HOUR + k * 1000));
  return out;
}

function open(dir: string, now: number, extra: Partial<DuckDbStoreOptions> = {}) {
  return openDuckDbStore({ path: join(dir, 'logs.duckdb'), now: () => now, sealAfterMs: 60_000, ...extra });
}

async function counts(dir: string, now: number): Promise<{ n: number; d: number }> {
  const store = await open(dir, now);
  try {
    const r = await store.query({
      sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
      params: [],
    });
    return { n: r.rows[0].n as number, d: r.rows[0].d as number };
  } finally {
    await store.close();
  }
}

function files(dir: string, sub: string): string[] {
  try {
    return readdirSync(join(dir, sub), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function dropCatalog(dir: string): void {
  rmSync(join(dir, 'logs.duckdb'), { force: true });
  rmSync(join(dir, 'logs.duckdb.wal'), { force: true });
}

describe('the catalog is an index the store rebuilds from its files', () => {
  it('keeps every sealed and unsealed row when logs.duckdb is deleted, and stores nothing twice after', async () => {
    const dir = tempDir();
    const now = T0 + 5 * HOUR + 30 * 60_000; // hours 0-4 finished, hour 5 open
    const events = spread(6, 200);
    // Hours sealed as they come, small files not merged: several partitions.
    let store = await open(dir, now, { compaction: { mergeFiles: 100 } });
    let sealed = 0;
    for (const [from, to] of [
      [0, 200],
      [200, 400],
      [400, 700],
      [700, 1000],
      [1000, 1200],
    ]) {
      await store.append(events.slice(from, to));
      sealed += (await store.maintain()).sealed;
    }
    expect(sealed).toBeGreaterThanOrEqual(4);
    await store.close();
    expect(files(dir, 'parts').length).toBeGreaterThanOrEqual(4);
    expect(files(dir, 'segments').length).toBeGreaterThan(0); // hour 5, unsealed

    dropCatalog(dir);
    const log = memoryLogger();
    store = await open(dir, now, { log });
    expect(log.lines.some((l) => /^warn no catalog at .*rebuilding it from the data files/.test(l))).toBe(
      true,
    );
    expect(log.lines.some((l) => /adopted \d+ partition file\(s\)/.test(l))).toBe(true);
    expect(log.lines.some((l) => /removed .*unfinished partition/.test(l))).toBe(false);
    expect(await store.stats()).toMatchObject({ rows: 1200, active_rows: 200, quarantined_files: 0 });
    // The same events again: the rebuilt offsets recognise every one.
    expect(await store.append(events)).toEqual({ stored: 0, duplicates: 1200 });
    // And new ones are stored.
    expect((await store.append([ev(5000, T0 + 5 * HOUR + 1000)])).stored).toBe(1);
    await store.close();
    expect(await counts(dir, now)).toEqual({ n: 1201, d: 1201 });

    // Rebuilt once, the catalog lists every file: the next open adopts nothing.
    const again = memoryLogger();
    store = await open(dir, now, { log: again });
    await store.close();
    expect(again.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('sets an unreadable catalog aside in quarantine/ and rebuilds it', async () => {
    const dir = tempDir();
    const now = T0 + 10 * HOUR;
    let store = await open(dir, now);
    await store.append(spread(3, 100));
    await store.maintain();
    await store.close();
    writeFileSync(join(dir, 'logs.duckdb'), 'this is not a database');
    const log = memoryLogger();
    store = await open(dir, now, { log });
    const warns = log.lines.filter((l) => l.startsWith('warn'));
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(
      /catalog .*logs\.duckdb cannot be read .*moved to quarantine\/catalog_logs\.duckdb/,
    );
    expect(existsSync(join(dir, 'quarantine', 'catalog_logs.duckdb'))).toBe(true);
    expect((await store.stats()).rows).toBe(300);
    expect(await store.append(spread(3, 100))).toEqual({ stored: 0, duplicates: 300 });
    await store.close();
  });

  it('drops a partition whose catalog commit never happened while its segments still hold its rows', async () => {
    // The crash between a seal's file and its catalog row: copy the store before the seal, then
    // put the sealed file into the copy. The copy's segments hold the same rows.
    const dir = tempDir();
    const before = tempDir();
    const now = T0 + 10 * HOUR;
    let store = await open(dir, now);
    await store.append(spread(2, 300));
    await store.compact();
    await store.close();
    cpSync(dir, before, { recursive: true });
    store = await open(dir, now);
    await store.maintain();
    await store.close();
    cpSync(join(dir, 'parts'), join(before, 'parts'), { recursive: true });
    const leftover = files(before, 'parts');
    expect(leftover.length).toBeGreaterThan(0);

    for (const lost of [false, true]) {
      const copy = tempDir();
      cpSync(before, copy, { recursive: true });
      if (lost) dropCatalog(copy); // and with the catalog gone as well
      const log = memoryLogger();
      store = await open(copy, now, { log });
      expect(log.lines.some((l) => /partition file\(s\) the previous run had begun to write/.test(l))).toBe(
        true,
      );
      const r = await store.query({
        sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
        params: [],
      });
      expect(r.rows[0]).toEqual({ n: 600, d: 600 }); // once each
      expect(await store.append(spread(2, 300))).toEqual({ stored: 0, duplicates: 600 });
      await store.close();
      expect(files(copy, 'parts')).toEqual([]);
    }
  });

  it('adopts a partition an older copy of the catalog does not list, once', async () => {
    // The catalog restored from before a seal, while the seal's segments are gone.
    const dir = tempDir();
    const now = T0 + 10 * HOUR;
    let store = await open(dir, now);
    await store.append(spread(2, 300));
    await store.compact();
    await store.close();
    const oldCatalog = tempDir();
    cpSync(join(dir, 'logs.duckdb'), join(oldCatalog, 'logs.duckdb'));
    store = await open(dir, now);
    await store.maintain();
    await store.close();
    expect(files(dir, 'segments')).toEqual([]);
    cpSync(join(oldCatalog, 'logs.duckdb'), join(dir, 'logs.duckdb'));
    rmSync(join(dir, 'logs.duckdb.wal'), { force: true });
    const log = memoryLogger();
    store = await open(dir, now, { log });
    expect(log.lines.some((l) => /adopted \d+ partition file\(s\) .*600 rows/.test(l))).toBe(true);
    expect((await store.stats()).rows).toBe(600);
    expect(await store.append(spread(2, 300))).toEqual({ stored: 0, duplicates: 600 });
    await store.close();
  });

  it('deletes a partition retention unlisted but never unlinked, rather than adopting it', async () => {
    const dir = tempDir();
    const now = T0 + 12 * HOUR;
    // An hour sealed at a time, small files not merged: a partition per hour.
    let store = await open(dir, now, { compaction: { mergeFiles: 100 } });
    const events = spread(4, 100);
    for (let h = 0; h < 4; h++) {
      await store.append(events.slice(h * 100, (h + 1) * 100));
      await store.maintain();
    }
    await store.close();
    const oldest = readdirSync(join(dir, 'parts'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort()[0];
    const kept = join(tempDir(), 'kept.parquet');
    cpSync(oldest, kept);
    store = await open(dir, now, {
      retention: { maxAgeMs: 12 * HOUR - 30 * 60_000 },
      compaction: { mergeFiles: 100 },
    }); // hour 0 only
    expect((await store.maintain()).removed).toBe(1);
    await store.close();
    cpSync(kept, oldest); // as if the process died before the unlink
    const log = memoryLogger();
    store = await open(dir, now, { log });
    expect((await store.stats()).rows).toBe(300);
    expect(log.lines.some((l) => /adopted/.test(l))).toBe(false);
    await store.close();
    expect(existsSync(oldest)).toBe(false);
  });

  it('logpipe store --import: a re-import after rm logs.duckdb stores nothing twice', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const data = join(dir, 'data');
    let r = await runCli([
      'generate',
      '-n',
      '3000',
      '--seed',
      '5',
      '--start-time',
      '2026-01-01T00:00:00Z',
      '--rate',
      '1',
      '-o',
      log,
    ]);
    expect(r.code).toBe(0);
    r = await runCli(['store', '--data-dir', data, '--import', log]);
    expect(r.code, r.stderr).toBe(0);
    expect(files(join(data, 'store'), 'parts').length).toBeGreaterThan(0);
    dropCatalog(join(data, 'store'));

    r = await runCli(['store', '--data-dir', data, '--import', log]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/removed .*unfinished partition/);
    expect(r.stderr).toMatch(/stored 0 events \(3000 duplicates skipped/);
    r = await runCli([
      'query',
      '--data-dir',
      data,
      '--sql',
      'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\b3000\s+3000\b/);
  });

  describe('logpipe run', () => {
    let child: ChildProcess | null = null;
    afterEach(() => {
      child?.kill('SIGKILL');
      child = null;
    });

    /** Runs `logpipe run` until `until` holds for its /api/stats, then stops it with SIGINT. */
    async function runUntil(
      config: string,
      dataDir: string,
      until: (s: { rows: number; active_rows: number; partitions: number }) => boolean,
      settleMs = 0,
    ): Promise<string> {
      rmSync(join(dataDir, 'server.json'), { force: true });
      child = spawn(process.execPath, [CLI, 'run', '--config', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
      const url = await waitFor('the API', async () => readServerInfo(dataDir)?.url);
      await waitFor(
        'the rows',
        async () => {
          const s = (await (await fetch(`${url}/api/stats`)).json()) as Parameters<typeof until>[0];
          return until(s) ? s : undefined;
        },
        40_000,
      );
      await new Promise((r) => setTimeout(r, settleMs));
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
      child = null;
      return stderr;
    }

    it('keeps every row after rm logs.duckdb, and with the checkpoint gone too reads nothing twice', async () => {
      const dir = tempDir();
      const dataDir = join(dir, 'data');
      const config = join(dir, 'logpipe.yaml');
      let r = await runCli([
        'generate',
        '-n',
        '4000',
        '--seed',
        '6',
        '--start-time',
        '2026-01-01T00:00:00Z',
        '--rate',
        '1',
        '-o',
        join(dir, 'logs', 'app.log'),
      ]);
      expect(r.code).toBe(0);
      writeFileSync(
        config,
        [
          `data_dir: ${dataDir}`,
          'sources:',
          `  - { type: file, paths: ["${join(dir, 'logs')}/*.log"], poll_interval: 50ms }`,
          'storage: { flush_interval: 100ms, maintenance_interval: 200ms }',
          'server: { port: 0 }',
          '',
        ].join('\n'),
      );
      // Everything read and sealed (the lines are two days old).
      await runUntil(config, dataDir, (s) => s.rows === 4000 && s.active_rows === 0 && s.partitions > 0);
      const store = join(dataDir, 'store');
      dropCatalog(store);

      let stderr = await runUntil(config, dataDir, (s) => s.rows >= 4000);
      expect(stderr).not.toMatch(/removed .*unfinished partition/);
      expect(stderr).toMatch(/adopted \d+ partition file\(s\)/);

      // The catalog and the collector's checkpoint both gone: whatever the collector reads again,
      // the rebuilt offsets recognise.
      dropCatalog(store);
      rmSync(join(dataDir, 'checkpoints'), { recursive: true, force: true });
      stderr = await runUntil(config, dataDir, (s) => s.rows >= 4000, 2000);
      expect(stderr).toMatch(/adopted \d+ partition file\(s\)/);
      r = await runCli([
        'query',
        '--data-dir',
        dataDir,
        '--sql',
        'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\b4000\s+4000\b/);
    });
  });
});
