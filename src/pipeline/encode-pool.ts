/**
 * Parsing and encoding for the store on worker threads (`logpipe run` with `parse.workers`):
 * batches of raw events go out in columns, the lines as the few texts a file collector sliced them
 * from (or one string a line where there are none), and come back as segment rows,
 * the store's own write form, in one transferred buffer. The pipeline's thread then neither
 * parses nor encodes: it reads, appends and answers queries. Batches are dealt to the workers in
 * turn, so one busy source keeps every worker going; each worker keeps its own format detection
 * per source. Results resolve in submission order.
 */
import { Worker } from 'node:worker_threads';
import { UsageError } from '../core/errors.js';
import type { RawExtras as Extras, RawEvent, TextRun } from '../core/events.js';
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
  /**
   * Parses and encodes a batch on a worker; resolves in submission order. `runs` (the batch's,
   * see TextRun) lets the lines travel as the texts they are slices of.
   */
  encode(events: readonly RawEvent[], hints?: SourceHints, runs?: readonly TextRun[]): Promise<EncodedRows>;
  /** Stops the workers; batches not yet answered fail. */
  close(): Promise<void>;
}

/** A batch on its way to a worker, in columns (structured clone of objects costs more than parsing them). */
export interface EncodeRequest {
  id: number;
  /**
   * Where line i is: in `texts[runOf[i]]` from `startOf[i]` for `lengthOf[i]` code units, or,
   * where `runOf[i]` is -1, the next of `lines`. Cloning one long string is one copy; cloning
   * ten thousand short ones costs more than parsing them.
   */
  texts: string[];
  runOf: Int32Array;
  startOf: Int32Array;
  lengthOf: Int32Array;
  lines: string[];
  /** Per line, an index into `sources`/`generations`. */
  keys: Int32Array;
  sources: string[];
  generations: string[];
  offsets: Float64Array;
  received: Float64Array;
  /**
   * Per line, an index into `extras` (the distinct sets of the RawEvent extras), or -1 for none:
   * a list of ten thousand nulls takes longer to clone than the lines' text.
   */
  extraOf: Int32Array;
  extras: Extras[];
  hints: SourceHints;
}

/** A worker's answer: the segment rows' wire form, or what went wrong. */
export type EncodeResponse = { id: number; body: ArrayBuffer } | { id: number; error: string };

/** A batch in the form it crosses to a worker (exported for its tests). */
export function pack(
  id: number,
  events: readonly RawEvent[],
  hints: SourceHints,
  runs: readonly TextRun[] = [],
): EncodeRequest {
  const n = events.length;
  const req: EncodeRequest = {
    id,
    texts: runs.map((r) => r.text),
    runOf: new Int32Array(n).fill(-1),
    startOf: new Int32Array(n),
    lengthOf: new Int32Array(n),
    lines: [],
    keys: new Int32Array(n),
    sources: [],
    generations: [],
    offsets: new Float64Array(n),
    received: new Float64Array(n),
    extraOf: new Int32Array(n),
    extras: [],
    hints,
  };
  const keys = sourceKeys();
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const key = keys.keyOf(e.source, e.generation);
    req.keys[i] = key;
    req.offsets[i] = e.offset;
    req.received[i] = e.received_at;
    req.extraOf[i] = extraKey(req.extras, e);
  }
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k];
    for (let i = r.first; i < r.first + r.count; i++) {
      req.runOf[i] = k;
      req.startOf[i] = events[i].offset - r.base;
      req.lengthOf[i] = events[i].line.length;
    }
  }
  for (let i = 0; i < n; i++) if (req.runOf[i] < 0) req.lines.push(events[i].line);
  req.sources = keys.sources;
  req.generations = keys.generations;
  return req;
}

/** The index in `list` of `e`'s extras (added when new), or -1 when it has none. */
function extraKey(list: Extras[], e: RawEvent): number {
  const { format, host, service, truncated } = e;
  if (format === undefined && host === undefined && service === undefined && truncated === undefined)
    return -1;
  // Newest first: a batch is runs of one file's lines, which share their extras.
  for (let k = list.length - 1; k >= 0; k--) {
    const x = list[k];
    if (x.format === format && x.host === host && x.service === service && x.truncated === truncated)
      return k;
  }
  list.push({ format, host, service, truncated });
  return list.length - 1;
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
        // Encoded by our own worker: the layout is checked, not every value again.
        p.resolve(deserializeRows(new Uint8Array(msg.body), { trusted: true }));
      } catch (err) {
        p.reject(err as Error);
      }
    }
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`parser worker exited with code ${code}`)));
  return {
    encode(events: readonly RawEvent[], hints: SourceHints, runs?: readonly TextRun[]): Promise<EncodedRows> {
      if (failure !== null) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<EncodedRows>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(pack(id, events, hints, runs));
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
    encode(events, hints = {}, runs) {
      if (closed) return Promise.reject(new Error('parser pool closed'));
      const work = workers[turn].encode(events, hints, runs);
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
