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
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { LogEvent } from '../../core/events.js';
import { BulkRefused, esError, PRODUCT, PRODUCT_HEADER } from './answers.js';
import { bulkAnswer, filteredBulkAnswer, filterPaths, type ItemAnswer } from './bulk-answer.js';
import { type BulkItem, decodeBulk } from './bulk-decode.js';
import { docToEvent } from './ecs-events.js';

/** What the route needs from the API around it. */
export interface ElasticRouteDeps {
  maxBodyBytes: number;
  /** Stores the events; resolves once committed. */
  append(events: LogEvent[]): Promise<{ stored: number; duplicates: number }>;
  /** Counts bytes and events in (for /status and /metrics). */
  counted(bytes: number, events: number): void;
  failed(err: unknown): void;
}

/** The answer holds an item per action; see decodeBulk. */
export const MAX_BULK_ITEMS = 100_000;

const SOURCE = 'elastic';
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
  let items: BulkItem[];
  let answers: ItemAnswer[];
  let events: LogEvent[];
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
    const body = inflate(raw, c.req.header('content-encoding'), deps.maxBodyBytes);
    const text = utf8(body);
    items = decodeBulk(text, c.req.param('index') ?? null, MAX_BULK_ITEMS);
    if (items.length === 0) {
      throw new BulkRefused(
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: no requests added;',
      );
    }
    ({ answers, events, idEvents } = toEvents(items, nowMs));
    deps.counted(raw.length, events.length);
  } catch (err) {
    deps.failed(err);
    if (err instanceof BulkRefused) return esError(c, err.status, err.type, err.message);
    throw err;
  }
  let duplicates = 0;
  if (events.length > 0) {
    try {
      duplicates = (await deps.append(events)).duplicates;
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
    for (const k of idEvents) {
      const a = answers[k];
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
  const text = paths === null ? bulkAnswer(took, answers) : filteredBulkAnswer(took, answers, paths);
  return c.body(text, 200, {
    'Content-Type': 'application/json',
    [PRODUCT_HEADER]: PRODUCT,
  });
}

/**
 * Each item's event, or its answer when it fails alone. Documents without an id share one new
 * generation per request; those with an id one named by a digest of their index, id and
 * document, the offset their rank among them, so the same request re-sent has the same identities.
 */
function toEvents(
  items: BulkItem[],
  nowMs: number,
): { answers: ItemAnswer[]; events: LogEvent[]; idEvents: number[] } {
  const stamp = `${nowMs.toString(36)}-${randomBytes(4).toString('hex')}`;
  const generation = `es-${stamp}`;
  let idGeneration = '';
  const autoId = randomBytes(9).toString('base64url');
  const answers: ItemAnswer[] = new Array(items.length);
  const events: LogEvent[] = [];
  const idEvents: number[] = [];
  let withId = 0;
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.id !== null && it.doc !== null && (it.op === 'index' || it.op === 'create') && idGeneration === '')
      idGeneration = `es-id-${digest(items)}`;
    const id = it.id ?? `${autoId}${k.toString(36).padStart(4, '0')}`;
    const a: ItemAnswer = {
      op: it.op,
      index: it.index,
      id,
      status: 201,
      result: 'created',
      version: 1,
      error: null,
    };
    answers[k] = a;
    if (it.error !== null) fail(a, it.error.type, it.error.reason);
    else if (it.op === 'delete' || it.op === 'update') {
      fail(
        a,
        'illegal_argument_exception',
        `logpipe keeps logs as they were sent: a ${it.op} action is not taken`,
      );
    } else {
      const hasId = it.id !== null;
      const ev = docToEvent(it.doc as string, {
        source: SOURCE,
        generation: hasId ? idGeneration : generation,
        offset: hasId ? withId : k,
        index: it.index,
        id: it.id,
        nowMs,
      });
      if (!('ts' in ev)) fail(a, ev.type, ev.reason);
      else {
        if (hasId) idEvents.push(k);
        events.push(ev);
      }
    }
    if (it.id !== null && (it.op === 'index' || it.op === 'create')) withId++;
  }
  return { answers, events, idEvents };
}

function fail(a: ItemAnswer, type: string, reason: string): void {
  a.status = 400;
  a.result = null;
  a.version = null;
  a.error = { type, reason };
}

/** A digest of the request's documents that carry an id: their index, id and text. */
function digest(items: BulkItem[]): string {
  const h = createHash('sha256');
  for (const it of items) {
    if (it.id === null || it.doc === null || (it.op !== 'index' && it.op !== 'create')) continue;
    h.update(it.index).update('\0').update(it.id).update('\0').update(it.doc).update('\n');
  }
  return h.digest('hex').slice(0, 32);
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

function inflate(raw: Buffer, encoding: string | undefined, max: number): Buffer {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === '' || e === 'identity') return raw;
  if (e !== 'gzip') {
    throw new BulkRefused(
      415,
      'illegal_argument_exception',
      `Content-Encoding [${e.slice(0, 40)}] is not taken: send gzip or none`,
    );
  }
  try {
    // Bounded, so a small body cannot inflate past the limit (a gzip bomb).
    return gunzipSync(raw, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BulkRefused(413, 'content_too_long_exception', `the request inflates past ${max} bytes`);
    throw new BulkRefused(
      400,
      'parse_exception',
      `the body is not valid gzip data (${(err as Error).message})`,
    );
  }
}

function utf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new BulkRefused(400, 'parse_exception', 'the body is not valid UTF-8');
  }
}
