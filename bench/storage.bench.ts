/** Store ingest: events/s appended into the DuckDB engine, and bytes on disk against raw text. */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LogEvent, RawEvent } from '../src/core/events.js';
import { generate } from '../src/generator/index.js';
import { createParser } from '../src/parser/index.js';
import { openDuckDbStore } from '../src/storage/duckdb/index.js';
import type { ChunkFigures } from './store-chunks.js';
import { movedStamp } from './store-input.js';
import type { BenchRow } from './types.js';

const N = Number(process.env.BENCH_STORE_EVENTS ?? 10_000_000);
const BATCH = Number(process.env.BENCH_STORE_BATCH ?? 10_000);
/** Keep the store here after the run (for inspecting partitions) instead of a deleted temp dir. */
const KEEP_DIR = process.env.BENCH_STORE_DIR;

/**
 * The input: apache_combined lines from the generator (seeded, backfilled at 500 lines/s
 * so the events fall in one or two hourly partitions), parsed as the pipeline parses them.
 */
async function makeEvents(
  dir: string,
  n: number,
): Promise<{ file: string; events: LogEvent[]; raws: RawEvent[]; rawBytes: number; gzipBytes: number }> {
  const file = join(dir, 'input.log');
  await generate({
    format: 'apache_combined',
    rate: 500,
    count: n,
    seed: 1,
    startTime: Date.UTC(2026, 0, 1),
    output: { kind: 'file', path: file },
  });
  const bytes = readFileSync(file);
  // The yardstick the goal is set against: gzip -6 of the same text.
  const gzipBytes = gzipSync(bytes, { level: 6 }).length;
  const text = bytes.toString('utf8');
  const parse = createParser({ format: 'apache_combined' });
  const events: LogEvent[] = [];
  const raws: RawEvent[] = [];
  let offset = 0;
  let raw: RawEvent[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    raw.push({
      source: '/var/log/access.log',
      generation: 'bench',
      offset,
      line,
      received_at: 0,
      service: 'web',
    });
    raws.push(raw[raw.length - 1]);
    offset += Buffer.byteLength(line) + 1;
    start = end + 1;
    if (raw.length === 10_000) {
      for (const e of parse(raw)) events.push(e);
      raw = [];
    }
  }
  for (const e of parse(raw)) events.push(e);
  return { file, events, raws, rawBytes: offset, gzipBytes };
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

/**
 * The store taking raw lines with their parser (`WriteBatch.addRaw`, as `store --import` and
 * `logpipe run` hand them over): access lines go straight from their text into rows.
 */
async function rawLinesRate(dir: string, raws: RawEvent[]): Promise<number> {
  const own = join(dir, 'raw-lines');
  mkdirSync(own, { recursive: true });
  const store = await openDuckDbStore({ path: join(own, 'logs.duckdb'), sealAfterMs: 0 });
  const parse = createParser({ format: 'apache_combined' });
  try {
    const t0 = performance.now();
    for (let i = 0; i < raws.length; i += BATCH) {
      const batch = store.batch();
      batch.addRaw(raws.slice(i, i + BATCH), parse);
      await store.append(batch);
    }
    return raws.length / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
    rmSync(own, { recursive: true, force: true });
  }
}

/**
 * The store alone fed column-wise chunks a parse worker encoded from the lines of `file`, in a
 * process of its own (bench/store-chunks.ts), as `logpipe up`'s store runs: this process holds a
 * million events for the runs below, which a store process does not.
 */
function encodedRowsRate(file: string, dir: string, rounds: number): Promise<ChunkFigures> {
  return new Promise((resolve, reject) => {
    const child = join(import.meta.dirname, 'store-chunks.js');
    execFile(
      process.execPath,
      [child, file, String(rounds), String(BATCH), dir],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`store-chunks failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChunkFigures);
      },
    );
  });
}

export default async function bench(): Promise<BenchRow[]> {
  const dir = KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'logpipe-bench-store-'));
  if (KEEP_DIR) rmSync(join(dir, 'logs.duckdb'), { force: true });
  // One million distinct lines, appended in rounds as new lines of the same file: each round
  // moves every event's offset past the file's end and its time past the previous round's.
  const base = Math.min(N, 1_000_000);
  const { file, events, raws, rawBytes: roundBytes, gzipBytes } = await makeEvents(dir, base);
  // First, in a store of its own (removed after), the same lines handed over raw.
  const rawRate = await rawLinesRate(dir, raws);
  const rounds = Math.ceil(N / base);
  raws.length = 0;
  // Then, in another store and a process of their own, the same lines as a parse worker's
  // column-wise chunks.
  const encoded = await encodedRowsRate(file, dir, rounds);
  rmSync(file);
  const span = events[events.length - 1].ts - events[0].ts + 1_000_000;
  // The store's clock is days ahead, so every hour of these events can be sealed afterwards.
  const now = Date.UTC(2026, 0, 10);
  const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), now: () => now, sealAfterMs: 0 });
  let appendMs = 0;
  let firstRoundMs = 0;
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      // Not timed: well under a second a round, while the store's background work goes on. The
      // line's own date moves with its time, as a later line of the log would read.
      for (const e of events) {
        e.offset += roundBytes;
        e.ts += span;
        e.raw = movedStamp(e.raw, e.ts);
      }
    }
    const t0 = performance.now();
    for (let i = 0; i < base; i += BATCH) await store.append(events.slice(i, i + BATCH));
    appendMs += performance.now() - t0;
    if (r === 0) firstRoundMs = appendMs;
  }
  const total = rounds * base;
  const rawBytes = rounds * roundBytes;
  const active = await store.stats();
  // What ingest costs once every row is sealed into compressed partitions: what it can sustain.
  const t1 = performance.now();
  await store.compact();
  const report = await store.maintain();
  const sealMs = performance.now() - t1;
  await store.close();
  const reopened = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), readOnly: true });
  const stats = await reopened.stats();
  await reopened.close();
  const partBytes = dirBytes(join(dir, 'parts'));
  if (!KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  const M = (n: number) => `${(n / 1e6).toLocaleString('en-US')}M`;
  return [
    {
      name: `store append, first ${M(base)} events (acknowledged and queryable)`,
      value: base / (firstRoundMs / 1000),
      unit: 'events/s',
      goal: '>= 1,000,000',
      note: `batches of ${BATCH}: segment files, compacted in the background`,
    },
    {
      name: `store append, first ${M(base)} raw lines with their parser (acknowledged and queryable)`,
      value: rawRate,
      unit: 'events/s',
      goal: '>= 1,000,000',
      note: `batches of ${BATCH}: access lines read straight into rows (WriteBatch.addRaw)`,
    },
    {
      name: `store append, first ${M(base)} column-wise chunks from a parse worker (acknowledged and queryable)`,
      value: encoded.first,
      unit: 'events/s',
      goal: '>= 1,000,000',
      note: `batches of ${BATCH}: segment rows a worker encoded (as logpipe run hands them over), encoding not timed; the store in a process of its own`,
    },
    ...(rounds > 1
      ? [
          {
            name: `store append, ${M(encoded.total)} column-wise chunks from a parse worker`,
            value: encoded.all,
            unit: 'events/s',
            goal: '>= 1,000,000',
            note: 'the same, in rounds of 1M moved past the previous round, with the early seals',
          },
        ]
      : []),
    {
      name: `store append, ${M(encoded.total)} column-wise chunks from a parse worker, until every row is sealed`,
      value: encoded.sealed,
      unit: 'events/s',
      note: 'the rate sustained ingest of those chunks can keep: appends, compaction and seals',
    },
    {
      name: `store append, ${M(total)} events`,
      value: total / (appendMs / 1000),
      unit: 'events/s',
      goal: '>= 1,000,000',
      note: 'with the early seals that keep unsealed segments under 1 GB',
    },
    {
      name: `store append, ${M(total)} events, until every row is sealed`,
      value: total / ((appendMs + sealMs) / 1000),
      unit: 'events/s',
      note: `the rate sustained ingest can keep; ${stats.partitions} partitions (${report.sealed} sealed at the end)`,
    },
    {
      name: 'store bytes / raw, before the last seal',
      value: active.bytes_on_disk / rawBytes,
      unit: 'ratio',
      note: `${(rawBytes / 1e6).toFixed(0)} MB raw; ${active.segments} unsealed segments beside ${active.partitions} partitions`,
    },
    {
      name: 'store bytes / raw, sealed Parquet',
      value: partBytes / rawBytes,
      unit: 'ratio',
      goal: '<= 0.083 (1/12)',
      note: `${(partBytes / 1e6).toFixed(1)} MB of partitions (whole store dir: ${(stats.bytes_on_disk / 1e6).toFixed(1)} MB)`,
    },
    {
      name: 'gzip -6 bytes / raw, same text',
      value: gzipBytes / roundBytes,
      unit: 'ratio',
      note: 'for comparison',
    },
  ];
}
