/**
 * Agents' request bodies turned into segment rows on worker threads (agent-rows-worker.ts): the
 * body read on the HTTP thread is moved (not copied) to a worker, which inflates, decodes, maps
 * and encodes it, and answers with the rows' wire form in shared memory, reused once the store's
 * batch has copied them (`release`), as the encode pool of `logpipe run` does. The HTTP thread
 * then only reads, appends and answers, and with two requests in flight one is decoded while the
 * other is appended: OTLP protobuf into the store went from 113,000–131,000 records/s decoded on
 * the HTTP thread to 143,000 on one worker (the same build, alternated; docs/benchmarks.md).
 *
 * Workers start with the first body and are not counted as keeping the process alive while they
 * have nothing to do. A worker that dies fails the jobs it held (the route answers 503, the
 * client retries) and the next job starts another.
 */
import type { Worker } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import { startWorkerThread } from '../core/worker-thread.js';
import type { ParserOptions, ReadTimeCounts } from '../parser/index.js';
import { deserializeRows, type EncodedRows } from '../storage/rows/index.js';
import { BulkRefused } from './elastic/answers.js';
import type { ItemAnswer, ItemsText } from './elastic/bulk-answer.js';
import type { LokiEncoding } from './loki/push-decode.js';
import { BodyRefused, type OtlpEncoding } from './otlp/logs-decode.js';
import type { OtlpIdentity } from './otlp/logs-events.js';

/**
 * One body for a worker, with what the route knows of it: an OTLP logs request, a Loki push or an
 * Elasticsearch bulk request.
 */
export type AgentJob = OtlpJob | LokiJob | ElasticJob;

interface JobBase {
  id: number;
  /** The body as it came; moved to the worker. */
  body: ArrayBuffer;
  gzip: 'gzip' | null;
  maxBodyBytes: number;
  /** Shared memory the worker writes the rows to when they fit. */
  into: SharedArrayBuffer | null;
}

export interface OtlpJob extends JobBase {
  kind: 'otlp';
  encoding: OtlpEncoding;
  identity: OtlpIdentity;
}

export interface LokiJob extends JobBase {
  kind: 'loki';
  encoding: LokiEncoding;
  /** The request's generation (each stream is a source of its own, push-events.ts). */
  generation: string;
  /** The API's zone and user patterns, for the parser the worker makes for this push. */
  parser: ParserOptions | undefined;
}

export interface ElasticJob extends JobBase {
  kind: 'elastic';
  /** The URL's index (`/<index>/_bulk`), or null. */
  index: string | null;
  /** The request's time (documents without one, and the generation's name). */
  nowMs: number;
}

/**
 * What a bulk body's items were answered (elastic/bulk-body.ts), besides the rows: as the text of
 * the answer's items, and as objects only when documents carry ids (a re-sent request's items are
 * answered again once the store has said it held them).
 */
export interface BulkAnswers {
  items: ItemsText;
  idEvents: number[];
  answers: ItemAnswer[] | null;
}

/** A worker's answer: the rows' wire form (the first `size` bytes of `rows`), a refusal, or a failure. */
export type AgentJobAnswer =
  | {
      id: number;
      rows: SharedArrayBuffer;
      size: number;
      count: number;
      rejected: number;
      reason: string;
      /** The body's size once inflated. */
      bytes: number;
      /** Lines the parser gave their read time, by format (Loki pushes; empty for the others). */
      readTime: ReadTimeCounts;
      /** A bulk request's answers per item. */
      bulk?: BulkAnswers;
    }
  | {
      id: number;
      refused: 400 | 413 | 415;
      message: string;
      /** Elasticsearch's error type, for a bulk request refused whole. */
      esType?: string;
    }
  | { id: number; error: string };

/** What a body became: its rows for the store, the records refused alone and why, its size inflated. */
export interface AgentRows {
  rows: EncodedRows;
  rejected: number;
  reason: string;
  bytes: number;
  readTime: ReadTimeCounts;
  bulk?: BulkAnswers;
}

/** The worker decoding a body died (or was stopped) before it answered: worth sending again. */
export class WorkerFailed extends Error {}

export interface AgentRowsPool {
  /**
   * Decodes a body on a worker. Rejects with BodyRefused (413, 415) or UserError (400) for a body
   * that is not a valid request, WorkerFailed when the worker died under it.
   */
  decode(
    job: Omit<OtlpJob, 'id' | 'into'> | Omit<LokiJob, 'id' | 'into'> | Omit<ElasticJob, 'id' | 'into'>,
  ): Promise<AgentRows>;
  /** Says that rows `decode` gave were copied into a store batch: their memory can be reused. */
  release(rows: EncodedRows): void;
  /** Stops the workers; jobs not yet answered fail. */
  close(): Promise<void>;
}

export interface AgentRowsPoolOptions {
  threads: number;
  /** The worker entry; the built agent-rows-worker.js by default (tests give another). */
  workerUrl?: URL;
}

/**
 * The compiled worker entry: `server/agent-rows-worker.js` one folder up from this module's
 * folder, in dist/src and in the bundle alike (scripts/build-cli.mjs keeps every file one folder
 * deep); from source (the test runner) the compiled one in dist/, which the test setup builds.
 */
function defaultWorkerUrl(): URL {
  if (import.meta.url.endsWith('.ts'))
    return new URL('../../dist/src/server/agent-rows-worker.js', import.meta.url);
  return new URL('../server/agent-rows-worker.js', import.meta.url);
}

/**
 * A worker's heap limits (MB). The young generation is not capped at the encode pool's 12 MB
 * (pipeline/encode-pool.ts): a JSON body's parsed objects all live until the body is mapped, so
 * with 12 MB they were copied and promoted by every scavenge and an OTLP JSON body cost 2.4–2.6
 * CPU s per 100,000 records on the worker against 1.5–1.9 on the HTTP thread; at 64 MB, 1.8–1.9
 * (alternated runs of bench/otlp.bench.ts, one process each; protobuf no different). The old
 * generation holds the largest body's decoded objects.
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 64, maxOldGenerationSizeMb: 1536 };
const MAX_SPARE = 8;

interface InFlight {
  resolve: (rows: AgentRows) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, InFlight>;
  dead: boolean;
}

/** Starts no worker until the first body comes. */
export function createAgentRowsPool(opts: AgentRowsPoolOptions): AgentRowsPool {
  const { threads } = opts;
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`decode threads must be >= 1, got ${threads}`);
  const url = opts.workerUrl ?? defaultWorkerUrl();
  const slots: (Slot | null)[] = new Array(threads).fill(null);
  const spare: SharedArrayBuffer[] = [];
  const memory = new WeakMap<EncodedRows, SharedArrayBuffer>();
  let nextId = 0;
  let closed = false;

  const start = (): Slot => {
    const worker = startWorkerThread(url, { resourceLimits: WORKER_HEAP_LIMITS });
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), dead: false };
    let why: Error | null = null;
    const fail = (err: Error) => {
      slot.dead = true;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      const k = slots.indexOf(slot);
      if (k >= 0) slots[k] = null;
    };
    worker.on('message', (msg: AgentJobAnswer) => {
      const p = slot.pending.get(msg.id);
      if (p === undefined) return;
      slot.pending.delete(msg.id);
      if (slot.pending.size === 0) worker.unref();
      if ('refused' in msg) {
        p.reject(
          msg.esType !== undefined
            ? new BulkRefused(msg.refused, msg.esType, msg.message)
            : msg.refused === 400
              ? new UserError(msg.message)
              : new BodyRefused(msg.refused, msg.message),
        );
      } else if ('error' in msg) p.reject(new Error(`the decode worker failed: ${msg.error}`));
      else {
        try {
          // Encoded by our own worker: the layout is checked, not every value again.
          const rows = deserializeRows(new Uint8Array(msg.rows, 0, msg.size), { trusted: true });
          memory.set(rows, msg.rows);
          p.resolve({
            rows,
            rejected: msg.rejected,
            reason: msg.reason,
            bytes: msg.bytes,
            readTime: msg.readTime,
            bulk: msg.bulk,
          });
        } catch (err) {
          p.reject(err as Error);
        }
      }
    });
    worker.on('error', (err) => {
      why ??= err;
    });
    worker.on('exit', (code) => {
      const detail = why ? `: ${why.message}` : '';
      fail(new WorkerFailed(`the decode worker exited with code ${code}${detail}`));
    });
    return slot;
  };

  /** The live worker with the fewest jobs, started when there is room for one more. */
  const pick = (): Slot => {
    let best: Slot | null = null;
    for (let k = 0; k < slots.length; k++) {
      const s = slots[k];
      if (s === null || s.dead) {
        if (best === null || best.pending.size > 0) {
          const fresh = start();
          slots[k] = fresh;
          return fresh;
        }
        continue;
      }
      if (best === null || s.pending.size < best.pending.size) best = s;
    }
    return best!;
  };

  return {
    decode(job) {
      if (closed) return Promise.reject(new WorkerFailed('the decode workers are stopped'));
      const slot = pick();
      const id = nextId++;
      return new Promise<AgentRows>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        if (slot.pending.size === 1) slot.worker.ref();
        const full = { ...job, id, into: spare.pop() ?? null } as AgentJob;
        slot.worker.postMessage(full, [job.body]);
      });
    },
    release(rows) {
      const m = memory.get(rows);
      if (m === undefined) return;
      memory.delete(rows);
      if (spare.length < MAX_SPARE) spare.push(m);
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (s) => {
          if (s === null) return;
          await s.worker.terminate();
        }),
      );
    },
  };
}

const shared = new Map<number, AgentRowsPool>();

/** The process's pool of `threads` workers, made on first use (each API of the process shares it). */
export function sharedAgentRowsPool(threads: number): AgentRowsPool {
  let pool = shared.get(threads);
  if (pool === undefined) {
    pool = createAgentRowsPool({ threads });
    shared.set(threads, pool);
  }
  return pool;
}
