/**
 * Issue #27, "Files: the catalog is an index, never the only record". A truncated partition left
 * `* | count` failing with "No magic bytes found"; a truncated segment stopped `run`, `query`
 * and `store --stats` from starting; a deleted segment lost its rows without a word. Now each
 * damaged file is set aside in `<store>/quarantine/` with one warning line (a read-only open
 * leaves it out and says so), the rest is served, `store --stats` and `/status` count it, and
 * `logpipe store --check` names it and exits 1 (0 and "ok" on a sound store).
 */
import { cpSync, existsSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { memoryLogger } from '../../src/core/log.js';
import { createApp } from '../../src/server/app.js';
import { type DuckDbStoreOptions, openDuckDbStore } from '../../src/storage/duckdb/engine.js';
import { runCli, tempDir } from '../helpers/cli.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 2);
const NOW = T0 + 5 * HOUR + 30 * 60_000; // hours 0-4 finished, hour 5 open

function ev(i: number, tsMs: number): LogEvent {
  return {
    ts: tsMs * 1000,
    level: 'info',
    service: 'api',
    host: 'h1',
    source: '/var/log/app.log',
    generation: 'g',
    offset: i * 100,
    format: 'json',
    message: `event ${i}`,
    fields: { i },
    raw: `{"i":${i}}`,
  };
}

function open(store: string, extra: Partial<DuckDbStoreOptions> = {}) {
  return openDuckDbStore({ path: join(store, 'logs.duckdb'), now: () => NOW, sealAfterMs: 60_000, ...extra });
}

/**
 * A stopped store under `<data>/store` holding 1,600 rows: five sealed partitions (hours 0-4,
 * 200 rows each) and two compacted segment files of hour 5 (300 rows each).
 */
async function makeStore(): Promise<{ data: string; store: string }> {
  const data = tempDir();
  const store = join(data, 'store');
  // A partition per hour: an hour sealed at a time, small files not merged.
  const s = await open(store, { compaction: { mergeFiles: 100 } });
  for (let h = 0; h < 5; h++) {
    const events: LogEvent[] = [];
    for (let k = 0; k < 200; k++) events.push(ev(h * 200 + k, T0 + h * HOUR + k * 1000));
    await s.append(events);
    expect((await s.maintain()).sealed).toBe(1);
  }
  for (const part of [0, 1]) {
    await s.append(
      Array.from({ length: 300 }, (_, k) =>
        ev(1000 + part * 300 + k, T0 + 5 * HOUR + (part * 300 + k) * 1000),
      ),
    );
    await s.compact();
  }
  await s.close();
  expect(list(store, 'parts')).toHaveLength(5);
  expect(list(store, 'segments')).toHaveLength(2);
  return { data, store };
}

/** Files under `<store>/<sub>`, relative to the store. */
function list(store: string, sub: string): string[] {
  try {
    return readdirSync(join(store, sub), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(store.length + 1))
      .sort();
  } catch {
    return [];
  }
}

async function rowsIn(path: string): Promise<number> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${path}')`);
    return Number(r.getRowsJson()[0][0]);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

function cut(path: string): void {
  truncateSync(path, Math.floor(statSync(path).size / 2));
}

const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('logpipe: warning:'));

async function countByCli(data: string): Promise<{ count: number; stderr: string }> {
  const r = await runCli(['query', '* | count', '--data-dir', data]);
  expect(r.code, r.stderr).toBe(0);
  return { count: Number(r.stdout.trim().split('\n').at(-1)), stderr: r.stderr };
}

/** The owner's open (as `logpipe run` or `store` make it): its warnings, and the rows it serves. */
async function ownerOpen(
  store: string,
): Promise<{ warns: string[]; rows: number; stats: Record<string, unknown> }> {
  const log = memoryLogger();
  const s = await open(store, { log });
  try {
    const r = await s.query({
      sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
      params: [],
    });
    expect(r.rows[0].n).toBe(r.rows[0].d);
    return {
      warns: log.lines.filter((l) => l.startsWith('warn')),
      rows: r.rows[0].n as number,
      stats: (await s.stats()) as unknown as Record<string, unknown>,
    };
  } finally {
    await s.close();
  }
}

describe('damaged files are set aside, said once, and the rest is served', () => {
  it('a sound store: store --check exits 0 with "ok"', async () => {
    const { data } = await makeStore();
    const r = await runCli(['store', '--check', '--data-dir', data]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 5 partition\(s\), 2 segment file\(s\), 1,600 rows/m);
    const stats = await runCli(['store', '--stats', '--data-dir', data]);
    expect(stats.stdout).toMatch(/^quarantine\s+none$/m);
  });

  it('a truncated partition', async () => {
    const { data, store } = await makeStore();
    const victim = list(store, 'parts')[1];
    const lost = await rowsIn(join(store, victim));
    cut(join(store, victim));

    // Nobody owns the store: a query reads around the damaged file and says so once.
    const q = await countByCli(data);
    expect(q.count).toBe(1600 - lost);
    expect(warnings(q.stderr)).toHaveLength(1);
    expect(warnings(q.stderr)[0]).toContain(victim);
    let check = await runCli(['store', '--check', '--data-dir', data]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(victim);

    const o = await ownerOpen(store);
    expect(o.warns).toHaveLength(1);
    expect(o.warns[0]).toMatch(new RegExp(`${victim}: .*moved to quarantine/broken_`));
    expect(o.rows).toBe(1600 - lost);
    expect(o.stats.quarantined_files).toBe(1);
    expect(existsSync(join(store, victim))).toBe(false);
    expect(
      readdirSync(join(store, 'quarantine')).some((f) => f.startsWith('broken_') && !f.endsWith('.note')),
    ).toBe(true);
    // Said once: the next open has nothing to say.
    expect((await ownerOpen(store)).warns).toEqual([]);

    const stats = await runCli(['store', '--stats', '--data-dir', data]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/^quarantine\s+1 file\(s\) set aside/m);
    check = await runCli(['store', '--check', '--data-dir', data]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^problem\s+quarantine\/broken_parts-/m);
    expect((await countByCli(data)).count).toBe(1600 - lost);
  });

  it('a truncated segment', async () => {
    const { data, store } = await makeStore();
    const victim = list(store, 'segments')[0];
    cut(join(store, victim));

    // `query` and `--stats` start and answer from the rest.
    const q = await countByCli(data);
    expect(q.count).toBe(1300);
    expect(warnings(q.stderr)).toHaveLength(1);
    expect(warnings(q.stderr)[0]).toContain(victim);
    const stats = await runCli(['store', '--stats', '--data-dir', data]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/^rows\s+1,300 /m);
    expect(stats.stdout).toMatch(/^quarantine\s+1 file\(s\) set aside/m); // left out by this read-only open
    const check = await runCli(['store', '--check', '--data-dir', data]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(victim);

    // The owner (as `logpipe run` opens it) starts, sets the file aside, serves the rest.
    const o = await ownerOpen(store);
    expect(o.warns).toHaveLength(1);
    expect(o.warns[0]).toMatch(new RegExp(`${victim}: .*moved to quarantine/broken_segments-`));
    expect(o.warns[0]).toMatch(/300 rows .*no longer served/);
    expect(o.rows).toBe(1300);
    expect(o.stats.quarantined_files).toBe(1);
  });

  it('a deleted segment', async () => {
    const { data, store } = await makeStore();
    const victim = list(store, 'segments')[1];
    rmSync(join(store, victim));

    const check = await runCli(['store', '--check', '--data-dir', data]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      new RegExp(`^problem\\s+${victim}: expected by the catalog \\(300 rows\\)`, 'm'),
    );

    const o = await ownerOpen(store);
    expect(o.warns).toHaveLength(1);
    // Which rows, and which source range, are gone.
    expect(o.warns[0]).toMatch(
      new RegExp(
        `segment ${victim} is missing: its 300 rows of 2026-01-02T05:.*/var/log/app.log offsets [\\d,]+ to [\\d,]+\\) lost`,
      ),
    );
    expect(o.rows).toBe(1300);
    expect(o.stats.missing_files).toBe(1);
    const stats = await runCli(['store', '--stats', '--data-dir', data]);
    expect(stats.stdout).toMatch(/^quarantine\s+1 missing file\(s\) noted/m);
    expect((await ownerOpen(store)).warns).toEqual([]);
  });

  it('garbage files in parts/', async () => {
    const { data, store } = await makeStore();
    writeFileSync(join(store, 'parts', 'notes.txt'), 'hello\n');
    writeFileSync(join(store, 'parts', '2026-01-02', '0700-zzzzzz.parquet'), 'not parquet at all');
    const before = await runCli(['store', '--check', '--data-dir', data]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('parts/notes.txt');
    expect(before.stdout).toContain('parts/2026-01-02/0700-zzzzzz.parquet');

    const o = await ownerOpen(store);
    expect(o.warns).toHaveLength(2);
    expect(o.warns.find((w) => w.includes('parts/notes.txt'))).toMatch(
      /moved to quarantine\/unexpected_parts-notes\.txt/,
    );
    expect(o.warns.find((w) => w.includes('0700-zzzzzz'))).toMatch(/moved to quarantine\/broken_/);
    expect(o.rows).toBe(1600);
    expect(o.stats.quarantined_files).toBe(2);
    expect(list(store, 'parts')).toHaveLength(5);
  });

  it('/status counts the quarantined files of the store', async () => {
    const { store } = await makeStore();
    cut(join(store, list(store, 'parts')[0]));
    const copy = tempDir();
    cpSync(store, copy, { recursive: true });
    const s = await open(copy, { log: memoryLogger() });
    try {
      const res = await createApp({ store: s }).request('/status');
      const body = (await res.json()) as { components: { component: string; quarantined_files?: number }[] };
      expect(body.components.find((c) => c.component === 'store')?.quarantined_files).toBe(1);
    } finally {
      await s.close();
    }
  });
});
