/**
 * Parsing and encoding for the store on worker threads (`logpipe run` with `parse.workers`):
 * a file collector's batches go out as the bytes their lines were read from (a LineBlock in
 * shared memory: nothing is copied), other batches of raw events in columns; both come back as
 * segment rows, the store's own write form, in shared memory that is reused once the store's
 * batch has copied them (`release`). The pipeline's thread then neither parses nor encodes: it
 * reads, appends and answers queries. Batches are dealt to the workers in turn, so one busy
 * source keeps every worker going; each worker keeps its own format detection per source.
 * Results resolve in submission order.
 */
import { UsageError } from '../core/errors.js';
import type { RawExtras as Extras, RawEvent } from '../core/events.js';
import { type LineBlock, recycleBlock } from '../core/line-block.js';
import { inSubmissionOrder, sourceKeys } from '../core/source-keys.js';
import { startWorkerThread } from '../core/worker-thread.js';
import { createParser, type ParserOptions } from '../parser/index.js';
import type { EncodedRows } from '../storage/rows/index.js';
import { deserializeRows } from '../storage/rows/index.js';

export interface EncodePoolOptions extends ParserOptions {
  /** Worker threads, at least 1. */
  threads: number;
  /** Each worker's young generation (MB); default YOUNG_GENERATION_MB, sized for `logpipe run`'s memory. */
  youngGenerationMb?: number;
}

/** Defaults for the events of one source, as its config gives them. */
export interface SourceHints {
  format?: string;
  service?: string;
}

export interface EncodePool {
  /**
   * Parses and encodes a batch on a worker; resolves in submission order. A block is recycled
   * once the worker has answered for it: it must not be used afterwards.
   */
  encode(batch: readonly RawEvent[] | LineBlock, hints?: SourceHints): Promise<EncodedRows>;
  /**
   * Says that rows `encode` gave are used up (copied into a store batch), so their memory can
   * take a later batch's rows. Optional: rows never released are left to the garbage collector.
   */
  release(rows: EncodedRows): void;
  /** Stops the workers; batches not yet answered fail. */
  close(): Promise<void>;
  /** Events the workers' parsers gave their read time, by format (see BatchParser.readTime). */
  readonly readTime: Readonly<Record<string, number>>;
}

/**
 * A batch on its way to a worker: a file's block of lines, or raw events in columns; `into` is
 * shared memory the worker writes the rows to when they fit.
 */
export type EncodeRequest = { id: number; hints: SourceHints; into: SharedArrayBuffer | null } & (
  | { block: LineBlock; events?: undefined }
  | { events: EventColumns; block?: undefined }
);

/** Raw events in columns (structured clone of objects costs more than parsing them). */
export interface EventColumns {
  /** The lines, in order. */
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
}

/**
 * A worker's answer: the segment rows' wire form, the first `size` bytes of `body` (the
 * request's `into`, or a larger one of the worker's), or what went wrong.
 */
export type EncodeResponse =
  | { id: number; body: SharedArrayBuffer; size: number; readTime?: Record<string, number> }
  | { id: number; error: string };

/** Raw events in the form they cross to a worker (exported for its tests). */
export function pack(events: readonly RawEvent[]): EventColumns {
  const n = events.length;
  const cols: EventColumns = {
    lines: new Array<string>(n),
    keys: new Int32Array(n),
    sources: [],
    generations: [],
    offsets: new Float64Array(n),
    received: new Float64Array(n),
    extraOf: new Int32Array(n),
    extras: [],
  };
  const keys = sourceKeys();
  for (let i = 0; i < n; i++) {
    const e = events[i];
    cols.lines[i] = e.line;
    cols.keys[i] = keys.keyOf(e.source, e.generation);
    cols.offsets[i] = e.offset;
    cols.received[i] = e.received_at;
    cols.extraOf[i] = extraKey(cols.extras, e);
  }
  cols.sources = keys.sources;
  cols.generations = keys.generations;
  return cols;
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
 * The compiled worker entry. Built, it is `pipeline/encode-worker.js` beside this module's folder,
 * in dist/src and in the bundle alike (scripts/build-cli.mjs keeps every file one folder deep, so
 * `../pipeline/` holds wherever this code lands); when this module runs from source (under the
 * test runner) the compiled one in dist/ is used, which the test setup builds.
 */
function workerUrl(): URL {
  if (import.meta.url.endsWith('.ts'))
    return new URL('../../dist/src/pipeline/encode-worker.js', import.meta.url);
  return new URL('../pipeline/encode-worker.js', import.meta.url);
}

interface InFlight {
  resolve: (rows: EncodedRows) => void;
  reject: (err: Error) => void;
  /** The block the worker reads, recycled once it has answered. */
  block: LineBlock | null;
}

/**
 * Shared memory for rows, reused: V8 does not count it as a thread's external memory, while a
 * buffer moved across each batch counted on arrival and had V8 collect the whole heap every few
 * batches. Reused because, uncounted, memory nothing reuses waits for an unhurried collection.
 */
interface Bodies {
  spare: SharedArrayBuffer[];
  of: WeakMap<EncodedRows, SharedArrayBuffer>;
}
const MAX_SPARE_BODIES = 16;

/**
 * A worker's heap limits (MB). Its garbage is a batch's text and parsed values, dead once the
 * batch is answered, and V8's defaults let it pile up: in a 1M-line `logpipe run` the worker's
 * heap peaked at 78–80 MB, a third of it young generation (32 MB of new space) and another third
 * batch texts (one string a block, too large for the young generation) waiting for a full
 * collection. The young generation is capped at 12 MB (new space 8 MB): heap peak 37–44 MB, and
 * `logpipe run` no slower for it (three alternated pairs with only this cap removed: 283–286
 * against 321–335 MiB at the peak, 137–151k against 105–129k lines/s).
 * V8 grows the old generation's collection threshold by a factor that rises with the heap limit
 * (4 from 2 GB up, 1.3 at 256 MB): at 1.5 GB, not the default 4 GB, the texts are collected
 * sooner and the heap peaked at 26–31 MB (at 2 GB it stayed at 35). 1.5 GB still holds a
 * batch's text at the longest a string can be (512 MB), several times over.
 */
const YOUNG_GENERATION_MB = 12;
const OLD_GENERATION_MB = 1536;

/** One worker and its requests in flight. */
function startWorker(opts: ParserOptions, youngMb: number, bodies: Bodies, readTime: Record<string, number>) {
  const worker = startWorkerThread(workerUrl(), {
    workerData: { opts },
    resourceLimits: { maxYoungGenerationSizeMb: youngMb, maxOldGenerationSizeMb: OLD_GENERATION_MB },
  });
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
    if (p.block !== null) recycleBlock(p.block);
    if ('error' in msg) p.reject(new Error(`parser worker failed: ${msg.error}`));
    else {
      if (msg.readTime !== undefined)
        for (const format in msg.readTime) readTime[format] = (readTime[format] ?? 0) + msg.readTime[format];
      try {
        // Encoded by our own worker: the layout is checked, not every value again.
        const rows = deserializeRows(new Uint8Array(msg.body, 0, msg.size), { trusted: true });
        bodies.of.set(rows, msg.body);
        p.resolve(rows);
      } catch (err) {
        p.reject(err as Error);
      }
    }
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', (code) => fail(new Error(`parser worker exited with code ${code}`)));
  return {
    encode(batch: readonly RawEvent[] | LineBlock, hints: SourceHints): Promise<EncodedRows> {
      if (failure !== null) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<EncodedRows>((resolve, reject) => {
        const into = bodies.spare.pop() ?? null;
        if (isBlock(batch)) {
          pending.set(id, { resolve, reject, block: batch });
          worker.postMessage({ id, hints, into, block: batch });
        } else {
          pending.set(id, { resolve, reject, block: null });
          worker.postMessage({ id, hints, into, events: pack(batch) });
        }
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
  const { threads, youngGenerationMb = YOUNG_GENERATION_MB, ...parserOpts } = opts;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UsageError(`parser threads must be a whole number >= 1, got ${threads}`);
  }
  createParser(parserOpts);
  const bodies: Bodies = { spare: [], of: new WeakMap() };
  const readTime: Record<string, number> = {};
  const workers = Array.from({ length: threads }, () =>
    startWorker(parserOpts, youngGenerationMb, bodies, readTime),
  );
  let turn = 0;
  const inOrder = inSubmissionOrder();
  let last: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    readTime,
    encode(batch, hints = {}) {
      if (closed) return Promise.reject(new Error('parser pool closed'));
      const work = workers[turn].encode(batch, hints);
      turn = (turn + 1) % workers.length;
      const result = inOrder(work);
      last = result.catch(() => {});
      return result;
    },
    release(rows) {
      const body = bodies.of.get(rows);
      if (body === undefined) return;
      bodies.of.delete(rows);
      if (bodies.spare.length < MAX_SPARE_BODIES) bodies.spare.push(body);
    },
    async close() {
      closed = true;
      await last;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function isBlock(batch: readonly RawEvent[] | LineBlock): batch is LineBlock {
  return !Array.isArray(batch);
}
