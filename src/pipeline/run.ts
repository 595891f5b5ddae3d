/**
 * `logpipe run`: every component in one process. Generators write files, collectors tail them,
 * parsers turn batches into events, one StoreWriter appends them, and the HTTP API answers
 * queries meanwhile. Acks flow back from the store's commit to the collectors' checkpoints.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Config, GeneratorConfig } from '../core/config.js';
import type { Ack } from '../core/events.js';
import { batchSize } from '../core/line-block.js';
import { loadLinkSecret } from '../core/link-secret.js';
import type { Logger } from '../core/log.js';
import { parserWorkers } from '../core/parse-config.js';
import type { StorageEngine } from '../core/storage.js';
import { parseDuration } from '../core/time.js';
import { type GeneratorSummary, generate } from '../generator/index.js';
import { type BatchParser, createParser } from '../parser/index.js';
import { addTimeReceived, type ComponentCounters, type RunningServer, startServer } from '../server/index.js';
import { committedPositions } from '../storage/index.js';
import type { EncodedRows } from '../storage/rows/index.js';
import { createEncodePool, type EncodePool, type SourceHints } from './encode-pool.js';
import { openStore } from './open-store.js';
import { parserOptions } from './parser-options.js';
import { createSources, type Source, sourcesLag } from './sources.js';
import { StoreWriter, type StoreWriterStats } from './store-writer.js';

/**
 * Batches in flight per worker thread: at 4 the pipeline's thread keeps a worker fed while it
 * encodes and writes a segment (one worker, two pairs: 250k / 262k lines/s against 230k / 245k
 * at 2; docs/benchmarks.md).
 */
const POOL_DEPTH = 4;

/**
 * How long a stop waits for the store to take what was read. Past it (a full disk, a failing
 * store) the rest is given up unacknowledged, so file sources read it again at the next start,
 * and the stop goes on: `logpipe run` ends within about this plus the closing of its parts.
 */
export const STOP_APPENDS_WITHIN_MS = 5000;

export interface RunOptions {
  config: Config;
  /** Aborting stops the pipeline: generation ends, what was read is committed, checkpoints written. */
  signal: AbortSignal;
  log: Logger;
  /** Called once the API is up. */
  onReady?: (info: { url: string; dataDir: string }) => void;
}

export interface PipelineStats {
  generated: number;
  collected: number;
  writer: StoreWriterStats;
  /** Why the last append failed, while appends fail (null once one succeeds). */
  storeFailure: string | null;
}

export interface RunningPipeline {
  stats(): PipelineStats;
  /** Resolves when the pipeline has stopped after the signal. */
  done: Promise<void>;
}

/** Starts the pipeline; stop it by aborting `signal`. */
export async function startPipeline(opts: RunOptions): Promise<RunningPipeline> {
  const { config, log, signal } = opts;
  const dataDir = resolve(config.data_dir);
  mkdirSync(dataDir, { recursive: true });
  // With parse.workers, batches are parsed and encoded for the store on worker threads, several
  // in flight at once; results come back in order, so acks still flow in order. The workers
  // start first: they load their modules while this thread opens the store and the server
  // (started after them, the first rows came back 0.2 s after the first read).
  const threads = parserWorkers(config.parse.workers, availableParallelism());
  const pool = threads > 0 ? createEncodePool({ ...parserOptions(config.parse), threads }) : null;
  let store: StorageEngine;
  try {
    store = await openStore(config, log);
  } catch (err) {
    await pool?.close();
    throw err;
  }
  // Filled in as the parts start; /status and /metrics read them when asked.
  let sources: Source[] = [];
  let writer: StoreWriter | null = null;
  let collected = 0;
  // The sources' parsers when they parse on this thread (their read-time counts, for /metrics).
  const parsers: BatchParser[] = [];
  let server: RunningServer;
  try {
    server = await startServer({
      counters: () => runCounters(sources, collected, writer, pool?.readTime ?? null, parsers),
      store,
      host: config.server.host,
      port: config.server.port,
      token: config.server.token,
      linkSecret: loadLinkSecret(dataDir),
      dataDir,
      announceLater: true,
      parser: parserOptions(config.parse),
      log,
    });
  } catch (err) {
    await pool?.close();
    await store.close();
    throw err;
  }
  writer = new StoreWriter(store, {
    batchSize: config.storage.batch_size,
    flushIntervalMs: parseDuration(config.storage.flush_interval),
    log,
  });

  const genAbort = new AbortController();
  const generated: GeneratorSummary[] = [];
  const generators = config.generators.map((g, i) => runGenerator(g, i, genAbort.signal, generated, log));

  try {
    sources = await createSources(config, dataDir, (fp) => committedPositions(store, fp), log);
  } catch (err) {
    genAbort.abort();
    await pool?.close();
    await server.stop();
    await store.close();
    throw err;
  }
  const w = writer;
  const pumps = sources.map(async (source) => {
    if (pool) {
      const hints = {
        ...(source.format !== 'auto' ? { format: source.format } : {}),
        ...(source.service !== undefined ? { service: source.service } : {}),
      };
      await pumpThroughPool(source, pool, hints, w, threads * POOL_DEPTH, (n) => {
        collected += n;
      });
      return;
    }
    const parse = createParser({
      ...parserOptions(config.parse),
      format: source.format,
      service: source.service ?? null,
    });
    parsers.push(parse);
    for await (const batch of source.batches()) {
      collected += batch.events.length;
      await w.writeRaw(batch.events, parse, batch.ack, batch.waited === true);
    }
  });

  // server.json tells scripts and `logpipe query` that the pipeline is up: written now that the
  // sources listen, so a line sent on seeing it is not refused (or, over UDP, lost).
  server.announce();
  opts.onReady?.({ url: server.url, dataDir });

  const done = (async () => {
    await new Promise<void>((r) =>
      signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true }),
    );
    const unbound = w.stopWithin(STOP_APPENDS_WITHIN_MS);
    genAbort.abort();
    await Promise.allSettled(generators);
    for (const s of sources) s.stop();
    const pumped = await Promise.allSettled(pumps);
    await pool?.close();
    await w.close();
    unbound();
    await Promise.allSettled(sources.map((s) => s.close()));
    // Queries are answered until here; from here until the process ends they are refused with
    // one clear answer (server/stop-gate.ts), the socket still open and announced.
    await server.refuse();
    await store.close();
    await server.stop();
    pumped.forEach((p, i) => {
      if (p.status === 'rejected')
        log.error(`source ${sources[i].name} failed: ${(p.reason as Error).message}`);
    });
  })();

  return {
    stats: () => ({
      generated: generated.reduce((n, s) => n + s.lines, 0),
      collected,
      writer: w.stats(),
      storeFailure: w.lastFailure(),
    }),
    done,
  };
}

/**
 * Feeds a source's batches to the pool, up to `depth` at once, and writes the results in order
 * as they come: a batch's rows are written as soon as they are ready, not when the next batch
 * is read (which, on a quiet file, may be never).
 */
async function pumpThroughPool(
  source: Source,
  pool: EncodePool,
  hints: SourceHints,
  writer: StoreWriter,
  depth: number,
  onBatch: (events: number) => void,
): Promise<void> {
  const queue: { rows: Promise<EncodedRows>; ack: Ack; waited: boolean }[] = [];
  let reading = true;
  // Wakers for the writing loop (a batch queued, or reading ended) and for the reader (room).
  const on: { queued: (() => void) | null; room: (() => void) | null } = { queued: null, room: null };
  const writing = (async () => {
    for (;;) {
      while (queue.length === 0) {
        if (!reading) return;
        await new Promise<void>((r) => {
          on.queued = r;
        });
      }
      const next = queue[0];
      const rows = await next.rows;
      await writer.write(rows, next.ack, next.waited);
      // Copied into the store's batch: the memory can take another batch's rows.
      pool.release(rows);
      queue.shift();
      on.room?.();
    }
  })();
  try {
    for await (const batch of source.batches()) {
      onBatch(batchSize(batch));
      while (queue.length >= depth) {
        await Promise.race([
          new Promise<void>((r) => {
            on.room = r;
          }),
          writing,
        ]);
      }
      // A block is read by the worker where it is (shared memory): its events are never made here.
      queue.push({
        rows: pool.encode(batch.lines ?? batch.events, hints),
        ack: batch.ack,
        waited: batch.waited === true,
      });
      on.queued?.();
    }
  } finally {
    reading = false;
    on.queued?.();
    await writing.finally(() => {
      for (const q of queue) q.rows.catch(() => {});
    });
  }
}

/** The counters of `logpipe run`'s parts, as separate components for `logpipe status`. */
function runCounters(
  sources: Source[],
  collected: number,
  writer: StoreWriter | null,
  poolReadTime: Readonly<Record<string, number>> | null,
  parsers: readonly BatchParser[],
): ComponentCounters[] {
  const w = writer?.stats() ?? { stored: 0, duplicates: 0, appends: 0, queued: 0, retries: 0, unstored: 0 };
  const base = { bytes_in: 0, bytes_out: 0, errors: 0, queue_depth: 0, last_error: null };
  const { bytes_read, lag_bytes, checkpoint_age_s } = sourcesLag(sources);
  return [
    {
      ...base,
      component: 'collector',
      events_in: collected,
      events_out: collected,
      bytes_in: bytes_read,
      bytes_out: bytes_read,
      lag_bytes,
      checkpoint_age_s,
    },
    parserCounters({ ...base, component: 'parser', events_in: collected, events_out: collected }),
    {
      ...base,
      component: 'store',
      events_in: w.stored + w.duplicates + w.queued,
      events_out: w.stored,
      errors: w.retries,
      queue_depth: w.queued,
    },
  ];

  function parserCounters(c: ComponentCounters): ComponentCounters {
    if (poolReadTime !== null) addTimeReceived(c, poolReadTime);
    for (const p of parsers) addTimeReceived(c, p.readTime);
    return c;
  }
}

async function runGenerator(
  g: GeneratorConfig,
  index: number,
  signal: AbortSignal,
  summaries: GeneratorSummary[],
  log: Logger,
): Promise<void> {
  summaries[index] = { lines: 0, bytes: 0, elapsedMs: 0, rate: 0 };
  try {
    const s = await generate({
      format: g.format,
      rate: g.rate,
      count: g.count,
      durationMs: g.duration ? parseDuration(g.duration) : undefined,
      seed: g.seed,
      output: { kind: 'file', path: resolve(g.path) },
      signal,
      onProgress: (p) => {
        summaries[index] = p;
      },
    });
    summaries[index] = s;
  } catch (err) {
    log.error(`generator ${g.name ?? index} stopped: ${(err as Error).message}`);
  }
}
