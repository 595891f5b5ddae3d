/**
 * Parsing and encoding for the store on worker threads (`logpipe run` with `parse.workers`):
 * batches of raw events go out in columns, the lines as strings, and come back as segment rows,
 * the store's own write form, in one transferred buffer. The pipeline's thread then neither
 * parses nor encodes: it reads, appends and answers queries. Batches are dealt to the workers in
 * turn, so one busy source keeps every worker going; each worker keeps its own format detection
 * per source. Results resolve in submission order.
 */
import { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import type { RawEvent } from '../core/events.js';
import { inSubmissionOrder, sourceKeys } from '../core/source-keys.js';
import { createParser, type ParserOptions } from '../parser/index.js';
import type { EncodedRows } from '../storage/duckdb/event-columns.js';
import { deserializeRows } from '../storage/duckdb/rows-wire.js';

export interface EncodePoolOptions extends ParserOptions {
  /** Worker threads, at least 1. */
  threads: number;
}

/** Defaults for the events of one source, as its config gives them. */
export interface SourceHints {
  format?: string;
  service?: string;
}

export interface EncodePool {
  /** Parses and encodes a batch on a worker; resolves in submission order. */
  encode(events: readonly RawEvent[], hints?: SourceHints): Promise<EncodedRows>;
  /** Stops the workers; batches not yet answered fail. */
  close(): Promise<void>;
}

/** A batch on its way to a worker, in columns (structured clone of objects costs more than parsing them). */
export interface EncodeRequest {
  id: number;
  lines: string[];
  /** Per line, an index into `sources`/`generations`. */
  keys: Int32Array;
  sources: string[];
  generations: string[];
  offsets: Float64Array;
  received: Float64Array;
  /** Per line: the rarely-set RawEvent extras, or null. */
  extras: (Pick<RawEvent, 'format' | 'host' | 'service' | 'truncated'> | null)[];
  hints: SourceHints;
}

/** A worker's answer: the segment rows' wire form, or what went wrong. */
export type EncodeResponse = { id: number; body: ArrayBuffer } | { id: number; error: string };

function pack(id: number, events: readonly RawEvent[], hints: SourceHints): EncodeRequest {
  const n = events.length;
  const req: EncodeRequest = {
    id,
    lines: new Array<string>(n),
    keys: new Int32Array(n),
    sources: [],
    generations: [],
    offsets: new Float64Array(n),
    received: new Float64Array(n),
    extras: new Array(n),
    hints,
  };
  const keys = sourceKeys();
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const key = keys.keyOf(e.source, e.generation);
    req.keys[i] = key;
    req.lines[i] = e.line;
    req.offsets[i] = e.offset;
    req.received[i] = e.received_at;
    req.extras[i] =
      e.format === undefined && e.host === undefined && e.service === undefined && e.truncated === undefined
        ? null
        : { format: e.format, host: e.host, service: e.service, truncated: e.truncated };
  }
  req.sources = keys.sources;
  req.generations = keys.generations;
  return req;
}

/**
 * The compiled worker entry. From dist/ it sits next to this module; when this module runs from
 * source (under the test runner) the compiled one in dist/ is used, which the test setup builds.
 */
function workerUrl(): URL {
  if (import.meta.url.endsWith('.ts'))
    return new URL('../../dist/src/pipeline/encode-worker.js', import.meta.url);
  return new URL('./encode-worker.js', import.meta.url);
}

interface InFlight {
  resolve: (rows: EncodedRows) => void;
  reject: (err: Error) => void;
}

/** One worker and its requests in flight. */
function startWorker(opts: ParserOptions) {
  const worker = new Worker(workerUrl(), { workerData: { opts } });
  const pending = new Map<number, InFlight>();
  let nextId = 0;
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (msg: EncodeResponse) => {
    const p = pending.get(msg.id);
    if (p === undefined) return;
    pending.delete(msg.id);
    if ('error' in msg) p.reject(new Error(`parser worker failed: ${msg.error}`));
    else {
      try {
        p.resolve(deserializeRows(new Uint8Array(msg.body)));
      } catch (err) {
        p.reject(err as Error);
      }
    }
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`parser worker exited with code ${code}`)));
  return {
    encode(events: readonly RawEvent[], hints: SourceHints): Promise<EncodedRows> {
      if (failure !== null) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<EncodedRows>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(pack(id, events, hints));
      });
    },
    async terminate(): Promise<void> {
      fail(new Error('parser pool closed'));
      await worker.terminate();
    },
  };
}

/**
 * Starts `threads` workers. Options are checked here, on the calling thread, so a bad format or
 * pattern fails at creation with the same errors as createParser.
 */
export function createEncodePool(opts: EncodePoolOptions): EncodePool {
  const { threads, ...parserOpts } = opts;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UsageError(`parser threads must be a whole number >= 1, got ${threads}`);
  }
  createParser(parserOpts);
  const workers = Array.from({ length: threads }, () => startWorker(parserOpts));
  let turn = 0;
  const inOrder = inSubmissionOrder();
  let last: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    encode(events, hints = {}) {
      if (closed) return Promise.reject(new Error('parser pool closed'));
      const work = workers[turn].encode(events, hints);
      turn = (turn + 1) % workers.length;
      const result = inOrder(work);
      last = result.catch(() => {});
      return result;
    },
    async close() {
      closed = true;
      await last;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
