/**
 * A pool of parser worker threads, so parsing (the CPU hot path) stays off the main thread. Each
 * source is routed to one worker, which keeps that source's detection state; results come back
 * in input order and batches resolve in the order they were submitted.
 */
import type { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import type { LogEvent, RawEvent } from '../core/events.js';
import { inSubmissionOrder } from '../core/source-keys.js';
import { startWorkerThread } from '../core/worker-thread.js';
import { createParser, type ParserOptions } from './index.js';

export interface ParserPoolOptions extends ParserOptions {
  /** Worker threads, at least 1. */
  threads: number;
}

export interface ParserPool {
  /** Parses a batch on the workers; resolves with one event per input, in order. */
  parse(events: RawEvent[]): Promise<LogEvent[]>;
  /** Waits for submitted batches, then stops the workers. */
  close(): Promise<void>;
}

/**
 * A batch on its way to a worker, in columns. Moving many small objects between threads costs
 * more than parsing them (bench/parser.bench.ts measured a structured clone of LogEvent arrays at
 * ~120k lines/s), so only what the worker needs goes out and only what the parse adds comes back.
 */
export interface PackedBatch {
  id: number;
  lines: string[];
  sources: string[];
  received: Float64Array;
  /** Per event: the rarely-set RawEvent extras, or null. */
  hints: ({ format?: string; host?: string; service?: string; truncated?: boolean } | null)[];
}

/** A worker's answer, in columns; `fields` is one JSON array (one parse beats many clones). */
export interface PackedResult {
  id: number;
  ts: Float64Array;
  levels: string[];
  formats: string[];
  /** null where the message is the line itself. */
  messages: (string | null)[];
  services: (string | null)[];
  hosts: (string | null)[];
  fields: string;
}

interface Pending {
  events: RawEvent[];
  resolve: (events: LogEvent[]) => void;
  reject: (err: Error) => void;
}

function pack(id: number, events: RawEvent[]): PackedBatch {
  const n = events.length;
  const lines = new Array<string>(n);
  const sources = new Array<string>(n);
  const received = new Float64Array(n);
  const hints: PackedBatch['hints'] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = events[i];
    lines[i] = e.line;
    sources[i] = e.source;
    received[i] = e.received_at;
    hints[i] =
      e.format === undefined && e.host === undefined && e.service === undefined && e.truncated === undefined
        ? null
        : { format: e.format, host: e.host, service: e.service, truncated: e.truncated };
  }
  return { id, lines, sources, received, hints };
}

function unpack(r: PackedResult, events: RawEvent[]): LogEvent[] {
  const fields = JSON.parse(r.fields) as LogEvent['fields'][];
  const out = new Array<LogEvent>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    out[i] = {
      ts: r.ts[i],
      level: r.levels[i] as LogEvent['level'],
      service: r.services[i],
      host: r.hosts[i],
      source: e.source,
      generation: e.generation,
      offset: e.offset,
      format: r.formats[i],
      message: r.messages[i] ?? e.line,
      fields: fields[i],
      raw: e.line,
    };
  }
  return out;
}

/**
 * The compiled worker entry. From dist/ it sits next to this module; when this module runs from
 * source (under the test runner) the compiled one in dist/ is used, which the test setup builds.
 */
function workerUrl(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('../../dist/src/parser/worker.js', import.meta.url);
  // `../parser/`, not `./`: in the bundle this code sits in a chunk (scripts/build-cli.mjs).
  return new URL('../parser/worker.js', import.meta.url);
}

/** FNV-1a over the source id: a stable worker choice per source. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One worker and its requests in flight. */
class ParserWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(opts: ParserOptions) {
    this.worker = startWorkerThread(workerUrl(), { workerData: { opts } });
    this.worker.on('message', (msg: PackedResult | { id: number; error: string }) => {
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(new Error(`parser worker failed: ${msg.error}`));
      else p.resolve(unpack(msg, p.events));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`parser worker exited with code ${code}`)));
  }

  private fail(err: Error): void {
    if (this.failure === null) this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  parse(events: RawEvent[]): Promise<LogEvent[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { events, resolve, reject });
      this.worker.postMessage(pack(id, events), []);
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('parser pool closed');
    await this.worker.terminate();
  }
}

/**
 * Starts `threads` parser workers. Options are checked here, on the calling thread, so a bad
 * format or pattern fails at creation with the same errors as createParser.
 */
export function createParserPool(opts: ParserPoolOptions): ParserPool {
  const { threads, ...parserOpts } = opts;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UsageError(`parser threads must be a whole number >= 1, got ${threads}`);
  }
  createParser(parserOpts);
  const workers = Array.from({ length: threads }, () => new ParserWorker(parserOpts));
  const route = new Map<string, number>();
  const workerFor = (source: string): number => {
    let w = route.get(source);
    if (w === undefined) {
      w = hash(source) % threads;
      if (route.size > 100_000) route.clear();
      route.set(source, w);
    }
    return w;
  };
  // Batches resolve in submission order: each waits for the one before it.
  const inOrder = inSubmissionOrder();
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  function parse(events: RawEvent[]): Promise<LogEvent[]> {
    if (closed) return Promise.reject(new Error('parser pool closed'));
    let work: Promise<LogEvent[]>;
    if (events.length === 0) {
      work = Promise.resolve([]);
    } else if (threads === 1) {
      work = workers[0].parse(events);
    } else {
      const parts: RawEvent[][] = workers.map(() => []);
      const where: number[][] = workers.map(() => []);
      for (let i = 0; i < events.length; i++) {
        const w = workerFor(events[i].source);
        parts[w].push(events[i]);
        where[w].push(i);
      }
      const jobs: Promise<void>[] = [];
      const out = new Array<LogEvent>(events.length);
      for (let w = 0; w < workers.length; w++) {
        if (parts[w].length === 0) continue;
        const idx = where[w];
        jobs.push(
          workers[w].parse(parts[w]).then((evs) => {
            for (let k = 0; k < evs.length; k++) out[idx[k]] = evs[k];
          }),
        );
      }
      work = Promise.all(jobs).then(() => out);
    }
    const result = inOrder(work);
    tail = result.catch(() => {});
    return result;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await tail;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  return { parse, close };
}
