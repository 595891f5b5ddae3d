/**
 * `POST /_bulk` and `POST /<index>/_bulk`: what Filebeat, Logstash, Fluent Bit's `es` output,
 * Vector's `elasticsearch` sink and the Elasticsearch clients' bulk helpers send. NDJSON
 * (`application/x-ndjson`, `application/json` or the clients' vendored types), plain or gzip.
 * Answered as Elasticsearch answers, once the store has committed: 200 with an item per action
 * (201 created; 400 for a document that fails alone, and for `delete` and `update`, which a log
 * store does not do), `errors: true` when any item failed; 400, 413 and 415 in Elasticsearch's
 * error shape for a body refused whole (nothing of it stored); 503 when the store cannot take it
 * now (the agents retry).
 *
 * Documents that carry an `_id` are stored under an identity made of their content: a request
 * re-sent whole (its answer lost) is recognised by the store and not stored again, and answered
 * as Elasticsearch answers a document it holds already (`index`: 200 `updated`; `create`: 409).
 */
import type { Context } from 'hono';
import type { LogEvent } from '../../core/events.js';
import type { WriteBatch } from '../../core/storage.js';
import { type AgentRowsPool, WorkerFailed } from '../agent-rows-pool.js';
import { BulkRefused, esError, PRODUCT, PRODUCT_HEADER } from './answers.js';
import {
  bulkAnswer,
  filteredBulkAnswer,
  filterPaths,
  type ItemAnswer,
  type ItemsText,
} from './bulk-answer.js';
import { bulkEncoding, decodeBulkBody } from './bulk-body.js';

/** What the route needs from the API around it. */
export interface ElasticRouteDeps {
  maxBodyBytes: number;
  /**
   * Workers that turn a body into the store's rows and the items' answers, or null to decode it
   * on this thread into events (one core, or a store that takes no encoded rows).
   */
  rows: () => AgentRowsPool | null;
  /** An empty batch of the store's, for rows the workers encoded. */
  batch(): WriteBatch;
  /** Stores the events or the batch; resolves once committed. */
  append(input: LogEvent[] | WriteBatch): Promise<{ stored: number; duplicates: number }>;
  /** Counts bytes and events in (for /status and /metrics). */
  counted(bytes: number, events: number): void;
  failed(err: unknown): void;
}

const MEDIA_TYPES = new Set([
  'application/x-ndjson',
  'application/json',
  'application/vnd.elasticsearch+x-ndjson',
  'application/vnd.elasticsearch+json',
]);

/** Handles one bulk request. */
export async function elasticBulk(c: Context, deps: ElasticRouteDeps): Promise<Response> {
  const started = performance.now();
  const nowMs = Date.now();
  // The items' answers as objects, or as text (from a worker) with objects only when needed.
  let answers: ItemAnswer[] | null;
  let itemsText: ItemsText | null = null;
  let input: LogEvent[] | WriteBatch;
  let count: number;
  let idEvents: number[];
  try {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!MEDIA_TYPES.has(type)) {
      throw new BulkRefused(
        415,
        'media_type_header_exception',
        `Content-Type header [${type.slice(0, 80)}] is not supported: send application/x-ndjson or application/json`,
      );
    }
    const raw = await readBody(c, deps.maxBodyBytes);
    const bytes = raw.length;
    const gzip = bulkEncoding(c.req.header('content-encoding'));
    const index = c.req.param('index') ?? null;
    const pool = deps.rows();
    if (pool !== null) {
      // A body read whole by the adapter owns its memory; a streamed one was put together here.
      const body =
        raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength
          ? (raw.buffer as ArrayBuffer)
          : raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
      const got = await pool.decode({
        kind: 'elastic',
        body: body as ArrayBuffer,
        gzip,
        index,
        maxBodyBytes: deps.maxBodyBytes,
        nowMs,
      });
      // Copied into the store's batch: the rows' memory can take another body's.
      const batch = deps.batch();
      batch.add(got.rows);
      pool.release(got.rows);
      ({ answers, idEvents, items: itemsText } = got.bulk!);
      input = batch;
      count = got.rows.count;
    } else {
      const decoded = decodeBulkBody(raw, gzip, index, deps.maxBodyBytes, nowMs);
      ({ answers, idEvents } = decoded);
      input = decoded.events;
      count = decoded.events.length;
    }
    deps.counted(bytes, count);
  } catch (err) {
    deps.failed(err);
    if (err instanceof BulkRefused) return esError(c, err.status, err.type, err.message);
    if (err instanceof WorkerFailed) {
      c.header('Retry-After', '1');
      return esError(
        c,
        503,
        'unavailable_shards_exception',
        `the documents could not be decoded now: ${err.message}`,
      );
    }
    throw err;
  }
  let duplicates = 0;
  if (count > 0) {
    try {
      duplicates = (await deps.append(input)).duplicates;
    } catch (err) {
      deps.failed(err);
      c.header('Retry-After', '1');
      return esError(
        c,
        503,
        'unavailable_shards_exception',
        `the store could not take the documents now: ${(err as Error).message}`,
      );
    }
  }
  // Documents with ids form one identity per request, stored whole or recognised whole.
  if (duplicates > 0 && duplicates === idEvents.length) {
    // A worker sends the objects whenever documents carry ids; they are answered anew.
    itemsText = null;
    for (const k of idEvents) {
      const a = answers![k];
      if (a.op === 'create') {
        a.status = 409;
        a.error = {
          type: 'version_conflict_engine_exception',
          reason: `[${a.id}]: version conflict, document already exists (current version [1])`,
        };
      } else {
        a.status = 200;
        a.result = 'updated';
        a.version = 2;
      }
    }
  }
  const took = Math.round(performance.now() - started);
  const paths = filterPaths(c.req.query('filter_path'));
  const items = itemsText ?? answers!;
  const text = paths === null ? bulkAnswer(took, items) : filteredBulkAnswer(took, items, paths);
  return c.body(text, 200, {
    'Content-Type': 'application/json',
    [PRODUCT_HEADER]: PRODUCT,
  });
}

/**
 * The body, refused with 413 past `max`: a declared length is checked before reading (and the
 * body then read on the node adapter's direct path, see body-limit.ts), a chunked one as it streams.
 */
async function readBody(c: Context, max: number): Promise<Buffer> {
  const tooLarge = () =>
    new BulkRefused(413, 'content_too_long_exception', `the request is over ${max} bytes`);
  const declared = c.req.header('content-length');
  if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
    if (Number(declared) > max) throw tooLarge();
    return Buffer.from(await c.req.arrayBuffer());
  }
  const stream = c.req.raw.body;
  if (stream === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
