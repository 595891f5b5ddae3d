/**
 * The query language over a large store: 10,000,000 events (BENCH_QUERY_EVENTS to change) spread
 * over 24 hours and sealed into hourly Parquet partitions, then the five queries through
 * the same path the CLI and the API use (parse, plan, execute). The events are synthesised inside
 * DuckDB with realistic distributions, so the setup takes seconds, not the ingest path's minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQuery } from '../src/server/query-service.js';
import { openDuckDbStore } from '../src/storage/duckdb/index.js';
import type { BenchRow } from './types.js';

const N = Number(process.env.BENCH_QUERY_EVENTS ?? 10_000_000);
const T0 = Date.UTC(2026, 0, 1);
const DAY_US = 86_400_000_000;

const QUERIES: { name: string; q: string; goalMs: number }[] = [
  {
    name: 'status>=500 | count by path | sort | limit',
    q: 'status>=500 | count by path | sort count desc | limit 10',
    goalMs: 300,
  },
  { name: 'rare needle term, all data', q: '"needle-7f3a9c"', goalMs: 1000 },
  { name: 'timechart 1m count by level, 24 h', q: '* | timechart 1m count by level', goalMs: 300 },
  {
    name: 'stats p99(latency_ms) by service',
    q: 'latency_ms>0 | stats p99(latency_ms) by service',
    goalMs: 300,
  },
  { name: 'level:error newest 100', q: 'level:error', goalMs: 300 },
];

export default async function bench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'logpipe-bench-query-'));
  const path = join(dir, 'logs.duckdb');
  const now = T0 + 26 * 3_600_000; // every hour of the day is finished and sealable
  const store = await openDuckDbStore({ path, now: () => now, sealAfterMs: 0 });
  await store.close();
  // Fill the active table in SQL, then let the store seal it into hourly partitions.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(path);
  const c = await inst.connect();
  const t0 = performance.now();
  await c.run(`
    INSERT INTO logs_active BY NAME
    SELECT
      make_timestamp(${T0 * 1000}::BIGINT + (i * ${DAY_US}::BIGINT // ${N})) AS ts,
      CASE WHEN h % 100 < 5 THEN 'error' WHEN h % 100 < 25 THEN 'warn' WHEN h % 100 < 30 THEN 'debug' ELSE 'info' END AS level,
      ['web', 'api', 'auth', 'billing', 'search'][1 + h % 5] AS service,
      'host-' || (h % 8) AS host,
      '/var/log/app.log' AS source, 'bench' AS generation, i AS "offset", 'apache_combined' AS format,
      -- As the store keeps access lines: rebuilt from their columns (raw_zone set, no raw or
      -- message), except the lines with the needle, whose message is not their request.
      CASE WHEN needle THEN 'GET ' || p || ' HTTP/1.1 needle-7f3a9c' END AS message,
      CASE WHEN needle THEN '10.0.' || (h % 256) || '.' || (h // 256 % 256) || ' - - [01/Jan/2026:00:00:00 +0000] "GET ' || p || ' HTTP/1.1 needle-7f3a9c" ' || st || ' ' || (h % 5000) || ' "-" "Mozilla/5.0"' END AS raw,
      CASE WHEN NOT needle THEN 0 END AS raw_zone,
      st AS status, 'GET' AS method, p AS path, h % 5000 AS bytes,
      round(exp(((h // 7) % 1000) / 140.0), 2) AS latency_ms,
      '10.0.' || (h % 256) || '.' || (h // 256 % 256) AS client_ip, NULL AS trace_id,
      CASE WHEN NOT needle THEN 'HTTP/1.1' END AS protocol, 'Mozilla/5.0' AS user_agent, NULL AS fields,
      make_timestamp(${T0 * 1000}::BIGINT + ${DAY_US}::BIGINT) AS ingested_at
    FROM (
      SELECT i, h, i % 1000003 = 17 AS needle,
        CASE WHEN h % 1000 < 30 THEN 500 + h % 4 WHEN h % 1000 < 80 THEN 404 WHEN h % 1000 < 150 THEN 304 ELSE 200 END AS st,
        '/api/v1/' || ['users', 'orders', 'items', 'search', 'login', 'cart', 'health', 'static/app.js'][1 + (h // 13) % 8] || '/' || (h // 101) % 50 AS p
      FROM (SELECT range AS i, (hash(range) % 1000000007)::BIGINT AS h FROM range(${N}))
    )`);
  await c.run('CHECKPOINT');
  c.closeSync();
  inst.closeSync();
  const filled = (performance.now() - t0) / 1000;
  // The memory limit a store gets from the default config (storage.memory_limit: 1GB).
  const owner = await openDuckDbStore({ path, now: () => now, sealAfterMs: 0, memoryLimitBytes: 1e9 });
  const t1 = performance.now();
  const sealed = await owner.maintain();
  const sealSecs = (performance.now() - t1) / 1000;
  const rows: BenchRow[] = [
    {
      name: 'store seal into Parquet partitions',
      value: N / sealSecs,
      unit: 'events/s',
      note: `${sealed.sealed} partitions`,
    },
  ];
  for (const { name, q, goalMs } of QUERIES) {
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      await runQuery(owner, { q, fromUs: T0 * 1000, toUs: T0 * 1000 + DAY_US });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push({
      name: `query ${name}`,
      value: times[1],
      unit: 'ms',
      goal: `< ${goalMs}`,
      note: `median of 3, ${N.toLocaleString('en-US')} events`,
    });
  }
  await owner.close();
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`bench: query setup filled ${N} events in ${filled.toFixed(1)} s\n`);
  return rows;
}
