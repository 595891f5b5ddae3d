/**
 * Recovery's decisions on partition files the catalog does not list (recovery.ts), where two
 * seals of overlapping segments left files behind, and the descriptions partitions carry.
 */
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import { memoryLogger } from '../../../src/core/log.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { parquetShapeProblem } from '../../../src/storage/duckdb/file-check.js';
import { parsePartitionMeta } from '../../../src/storage/duckdb/partition-meta.js';
import { tempDir } from '../../helpers/cli.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 2);
const NOW = T0 + 5 * HOUR;

function ev(i: number): LogEvent {
  return {
    ts: (T0 + i * 1000) * 1000,
    level: 'info',
    service: 'api',
    host: 'h',
    source: 'a.log',
    generation: 'g',
    offset: i * 10,
    format: 'json',
    message: `e${i}`,
    fields: {},
    raw: `e${i}`,
  };
}

const batch = (from: number, n: number) => Array.from({ length: n }, (_, k) => ev(from + k));

function open(dir: string, partitionBytes: number, log = memoryLogger()) {
  return openDuckDbStore({
    path: join(dir, 'logs.duckdb'),
    now: () => NOW,
    sealAfterMs: 60_000,
    compaction: { partitionBytes },
    log,
  });
}

function parts(dir: string): string[] {
  return readdirSync(join(dir, 'parts', '2026-01-02')).sort();
}

async function sql(path: string, text: string): Promise<void> {
  const db = await DuckDBInstance.create(path);
  const c = await db.connect();
  try {
    await c.run(text);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('recovery of partition files the catalog does not list', () => {
  it('keeps one copy of each row when a seal retried with fewer segments left its first file', async () => {
    // Two compacted segments of one window: S1 (rows 0-199), S2 (rows 200-399).
    const base = tempDir();
    let store = await open(base, 1 << 30);
    await store.append(batch(0, 200));
    await store.compact();
    await store.append(batch(200, 200));
    await store.compact();
    await store.close();

    // The first seal took both into one file (P12), and never committed.
    const first = tempDir();
    cpSync(base, first, { recursive: true });
    store = await open(first, 1 << 30);
    await store.maintain();
    await store.close();
    const [p12] = parts(first);

    // The retry sealed one segment per file, committed the first (P1) and died before the
    // second: its row is not in the catalog, S2 is still on disk, and P12 is back in parts/.
    const dir = tempDir();
    cpSync(base, dir, { recursive: true });
    store = await open(dir, 1);
    await store.maintain();
    await store.close();
    const sealed = parts(dir);
    expect(sealed).toHaveLength(2);
    expect(sealed).toContain(p12); // the second file has P12's name (same window, same newest row)
    const p1 = sealed.find((f) => f !== p12)!;
    await sql(
      join(dir, 'logs.duckdb'),
      `DELETE FROM catalog WHERE kind = 'partition' AND key LIKE '%${p12}'`,
    );
    cpSync(join(base, 'segments'), join(dir, 'segments'), { recursive: true });
    rmSync(join(dir, 'segments', readdirSync(join(base, 'segments')).sort()[0])); // S1 went with P1's commit
    cpSync(join(first, 'parts'), join(dir, 'parts'), { recursive: true }); // P12 back

    for (const lost of [false, true]) {
      const copy = tempDir();
      cpSync(dir, copy, { recursive: true });
      if (lost) rmSync(join(copy, 'logs.duckdb'));
      const log = memoryLogger();
      store = await open(copy, 1, log);
      const r = await store.query({
        sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
        params: [],
      });
      expect(r.rows[0], log.lines.join('\n')).toEqual({ n: 400, d: 400 });
      expect(await store.append(batch(0, 400))).toEqual({ stored: 0, duplicates: 400 });
      await store.close();
      // With the catalog: P1 listed, P12 a leftover (S1 is in P1, S2 on disk). Without: P12
      // (the larger) adopted, and P1 then redundant.
      expect(parts(copy)).toEqual(lost ? [p12] : [p1]);
      expect(log.lines.filter((l) => l.startsWith('warn') && !/no catalog/.test(l))).toEqual([]);
    }
  });

  it('a partition describes itself in its footer', async () => {
    const dir = tempDir();
    const store = await open(dir, 1 << 30);
    await store.append(batch(0, 50));
    await store.maintain();
    await store.close();
    const file = join(dir, 'parts', '2026-01-02', parts(dir)[0]);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const r = await c.runAndReadAll(
      `SELECT decode(value) FROM parquet_kv_metadata('${file}') WHERE decode(key) = 'logpipe.partition'`,
    );
    c.closeSync();
    db.closeSync();
    const meta = parsePartitionMeta(String(r.getRowsJson()[0][0]));
    expect(meta).toMatchObject({
      rows: 50,
      minUs: T0 * 1000,
      maxUs: (T0 + 49_000) * 1000,
      levels: { info: 50 },
      services: { api: 50 },
      offsets: [['a.log\0g', 491]],
    });
    expect((meta as { segments: string[] }).segments).toHaveLength(1);
    expect(parquetShapeProblem(file)).toBeNull();
  });

  it('tells what makes a file unplaceable', () => {
    expect(parsePartitionMeta(undefined)).toEqual({ invalid: 'no logpipe.partition metadata in its footer' });
    expect(parsePartitionMeta('{')).toMatchObject({ invalid: expect.stringMatching(/not JSON/) });
    expect(parsePartitionMeta('{"version":2}')).toMatchObject({
      invalid: expect.stringMatching(/version 2/),
    });
    expect(
      parsePartitionMeta(
        '{"version":1,"rows":1,"min_us":0,"max_us":0,"raw_bytes":0,"marker_us":1,"segments":null,"offsets":[["a",1.5]]}',
      ),
    ).toMatchObject({ invalid: expect.stringMatching(/bad offsets/) });
    const dir = tempDir();
    writeFileSync(join(dir, 'x.parquet'), 'PAR1 but nothing else');
    expect(parquetShapeProblem(join(dir, 'x.parquet'))).toMatch(/no Parquet footer/);
    expect(parquetShapeProblem(join(dir, 'none.parquet'))).toBe('missing');
  });
});
