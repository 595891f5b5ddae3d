/** Store ingest: events/s appended into the DuckDB engine, and bytes on disk against raw text. */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from '../src/core/events.js';
import { openDuckDbStore } from '../src/storage/index.js';
import type { BenchRow } from './types.js';

const N = Number(process.env.BENCH_STORE_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_STORE_BATCH ?? 10_000);

function makeEvents(n: number): { events: LogEvent[]; rawBytes: number } {
  const paths = ['/', '/api/users', '/api/orders', '/static/app.js', '/login', '/health'];
  const statuses = [200, 200, 200, 200, 304, 404, 500];
  const events: LogEvent[] = new Array(n);
  let rawBytes = 0;
  const t0 = Date.UTC(2026, 0, 1) * 1000;
  for (let i = 0; i < n; i++) {
    const path = paths[i % paths.length];
    const status = statuses[i % statuses.length];
    const ip = `10.0.${(i >> 8) & 255}.${i & 255}`;
    const raw = `${ip} - - [01/Jan/2026:00:00:00 +0000] "GET ${path} HTTP/1.1" ${status} ${512 + (i % 997)} "-" "Mozilla/5.0"`;
    rawBytes += raw.length + 1;
    events[i] = {
      ts: t0 + i * 1000,
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      service: 'web',
      host: 'web-1',
      source: '/var/log/access.log',
      generation: 'bench',
      offset: rawBytes,
      format: 'apache_combined',
      message: `GET ${path} HTTP/1.1`,
      fields: {
        client_ip: ip,
        method: 'GET',
        path,
        protocol: 'HTTP/1.1',
        status,
        bytes: 512 + (i % 997),
        user_agent: 'Mozilla/5.0',
      },
      raw,
    };
  }
  return { events, rawBytes };
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

export default async function bench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'logpipe-bench-store-'));
  const { events, rawBytes } = makeEvents(N);
  // The store's clock is a day ahead, so every hour of these events can be sealed afterwards.
  const now = Date.UTC(2026, 0, 3);
  const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), now: () => now, sealAfterMs: 0 });
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) await store.append(events.slice(i, i + BATCH));
  const secs = (performance.now() - t0) / 1000;
  const active = await store.stats();
  const t1 = performance.now();
  await store.maintain();
  const sealSecs = (performance.now() - t1) / 1000;
  await store.close();
  const reopened = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), readOnly: true });
  const stats = await reopened.stats();
  await reopened.close();
  const partBytes = dirBytes(join(dir, 'parts'));
  rmSync(dir, { recursive: true, force: true });
  return [
    {
      name: 'store append (duckdb appender)',
      value: N / secs,
      unit: 'events/s',
      goal: '>= 1,000,000',
      note: `${N.toLocaleString('en-US')} events, batches of ${BATCH}`,
    },
    {
      name: 'store bytes / raw, active table',
      value: active.bytes_on_disk / rawBytes,
      unit: 'ratio',
      note: `${(rawBytes / 1e6).toFixed(0)} MB raw, before sealing`,
    },
    {
      name: 'store seal into Parquet',
      value: N / sealSecs,
      unit: 'events/s',
      note: `${stats.partitions} partitions`,
    },
    {
      name: 'store bytes / raw, sealed Parquet',
      value: partBytes / rawBytes,
      unit: 'ratio',
      goal: '<= 0.083 (1/12)',
      note: `${(partBytes / 1e6).toFixed(1)} MB of partitions (whole store dir: ${(stats.bytes_on_disk / 1e6).toFixed(1)} MB)`,
    },
  ];
}
