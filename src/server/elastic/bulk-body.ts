/**
 * An Elasticsearch bulk body to its items' answers and events: inflated (gzip, bounded), read as
 * UTF-8, split into actions (bulk-decode.ts) and each document mapped (ecs-events.ts). The same
 * function serves the HTTP thread (no decode workers) and the decode workers
 * (server/agent-rows-worker.ts), so both answer a body the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { LogEvent } from '../../core/events.js';
import { BulkRefused } from './answers.js';
import type { ItemAnswer } from './bulk-answer.js';
import { type BulkItem, decodeBulk } from './bulk-decode.js';
import { docToEvent } from './ecs-events.js';

/** The answer holds an item per action; see decodeBulk. */
export const MAX_BULK_ITEMS = 100_000;

const SOURCE = 'elastic';

/** What a bulk body became: an answer per item, the events to store, and the items whose documents carry an id. */
export interface BulkBody {
  answers: ItemAnswer[];
  events: LogEvent[];
  idEvents: number[];
}

/**
 * A request's content encoding: `gzip`, or null for none; another is refused with 415. Checked
 * once the body is read, so a body over the limit is a 413 whatever its encoding.
 */
export function bulkEncoding(header: string | undefined): 'gzip' | null {
  const e = (header ?? '').trim().toLowerCase();
  if (e === '' || e === 'identity') return null;
  if (e !== 'gzip') {
    throw new BulkRefused(
      415,
      'illegal_argument_exception',
      `Content-Encoding [${e.slice(0, 40)}] is not taken: send gzip or none`,
    );
  }
  return 'gzip';
}

/**
 * Inflates, reads and maps one bulk body (`index` the URL's, `/<index>/_bulk`); throws BulkRefused
 * for a body refused whole.
 */
export function decodeBulkBody(
  raw: Uint8Array,
  gzip: 'gzip' | null,
  index: string | null,
  maxBodyBytes: number,
  nowMs: number,
): BulkBody {
  const body = gzip === null ? raw : inflate(raw, maxBodyBytes);
  const items = decodeBulk(utf8(body), index, MAX_BULK_ITEMS);
  if (items.length === 0) {
    throw new BulkRefused(
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: no requests added;',
    );
  }
  return toEvents(items, nowMs);
}

/**
 * Each item's event, or its answer when it fails alone. Documents without an id share one new
 * generation per request; those with an id one named by a digest of their index, id and
 * document, the offset their rank among them, so the same request re-sent has the same identities.
 */
function toEvents(items: BulkItem[], nowMs: number): BulkBody {
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

function inflate(raw: Uint8Array, max: number): Buffer {
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

function utf8(body: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new BulkRefused(400, 'parse_exception', 'the body is not valid UTF-8');
  }
}
