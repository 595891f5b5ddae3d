/**
 * `POST /v1/logs`: OTLP logs over HTTP, protobuf or JSON, plain or gzip, answered as the OTLP
 * specification asks: 200 with an ExportLogsServiceResponse (a partial success names records not
 * stored) once the store committed the rest; 400 for a body that is not a valid request (not
 * retryable, nothing stored); 413 for one over the size limit; 415 for another content type or
 * encoding; 503 with Retry-After when the store cannot take it now, or the worker decoding it
 * died (the exporter retries). Error bodies are a `google.rpc.Status` in the request's encoding.
 * The body is decoded and encoded into the store's rows on a worker (agent-rows-pool.ts) when
 * there is one, so this thread only reads it, appends the rows and answers.
 */
import type { Context } from 'hono';
import { UserError } from '../../core/errors.js';
import type { LogEvent } from '../../core/events.js';
import type { WriteBatch } from '../../core/storage.js';
import { type AgentRowsPool, WorkerFailed } from '../agent-rows-pool.js';
import { BodyRefused, contentEncoding, decodeOtlpBody, type OtlpEncoding } from './logs-decode.js';
import { otlpTypes } from './logs-schema.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** What the route needs from the API around it. */
export interface OtlpRouteDeps {
  maxBodyBytes: number;
  /**
   * Workers that turn a body into the store's rows, or null to decode it on this thread into
   * events (one core, or a store that takes no encoded rows).
   */
  rows: () => AgentRowsPool | null;
  /** An empty batch of the store's, for rows the workers encoded. */
  batch(): WriteBatch;
  /** Stores the events or the batch; resolves once committed. */
  append(input: LogEvent[] | WriteBatch): Promise<{ stored: number }>;
  /** Counts bytes and events in (for /status and /metrics). */
  counted(bytes: number, events: number): void;
  failed(err: unknown): void;
}

type Encoding = OtlpEncoding;

/** Handles one export request. */
export async function otlpLogs(c: Context, deps: OtlpRouteDeps): Promise<Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const enc: Encoding | null =
    type === PROTOBUF || type === 'application/protobuf' ? 'protobuf' : type === JSON_TYPE ? 'json' : null;
  if (enc === null) {
    return status(
      c,
      'json',
      415,
      `content type ${JSON.stringify(type)} is not OTLP: send ${PROTOBUF} or ${JSON_TYPE}`,
    );
  }
  let input: LogEvent[] | WriteBatch;
  let count = 0;
  let rejected = 0;
  let reason = '';
  try {
    const gzip = contentEncoding(c.req.header('content-encoding'));
    const body = await c.req.arrayBuffer();
    const identity = {
      source: 'otlp',
      generation: `otlp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      nowMs: Date.now(),
    };
    const pool = deps.rows();
    let bytes: number;
    if (pool !== null) {
      const got = await pool.decode({
        kind: 'otlp',
        body,
        encoding: enc,
        gzip,
        maxBodyBytes: deps.maxBodyBytes,
        identity,
      });
      // Copied into the store's batch: the rows' memory can take another body's.
      const batch = deps.batch();
      batch.add(got.rows);
      pool.release(got.rows);
      input = batch;
      ({ rejected, reason, bytes } = got);
      count = got.rows.count;
    } else {
      const decoded = decodeOtlpBody(new Uint8Array(body), enc, gzip, deps.maxBodyBytes, identity);
      input = decoded.events;
      ({ rejected, reason, bytes } = decoded);
      count = decoded.events.length;
    }
    deps.counted(bytes, count);
  } catch (err) {
    deps.failed(err);
    if (err instanceof BodyRefused) return status(c, enc, err.status, err.message);
    if (err instanceof UserError) return status(c, enc, 400, err.message);
    if (err instanceof WorkerFailed) {
      c.header('Retry-After', '1');
      return status(c, enc, 503, `the records could not be decoded now: ${err.message}`);
    }
    throw err;
  }
  if (count > 0) {
    try {
      await deps.append(input);
    } catch (err) {
      deps.failed(err);
      c.header('Retry-After', '1');
      return status(c, enc, 503, `the store could not take the records now: ${(err as Error).message}`);
    }
  }
  return success(c, enc, rejected, reason);
}

function success(c: Context, enc: Encoding, rejected: number, reason: string): Response {
  const partial = rejected > 0 ? { rejectedLogRecords: rejected, errorMessage: reason } : null;
  if (enc === 'json') {
    return c.json(
      partial ? { partialSuccess: { ...partial, rejectedLogRecords: String(rejected) } } : {},
      200,
    );
  }
  const { response } = otlpTypes();
  const bytes = response.encode(response.create(partial ? { partialSuccess: partial } : {})).finish();
  return c.body(new Uint8Array(bytes), 200, { 'Content-Type': PROTOBUF });
}

/** gRPC status codes by HTTP status, as the OTLP/HTTP mapping pairs them. */
const GRPC_CODE: Record<number, number> = { 400: 3, 413: 8, 415: 3, 503: 14 };

function status(c: Context, enc: Encoding, http: 400 | 413 | 415 | 503, message: string): Response {
  const code = GRPC_CODE[http];
  if (enc === 'json') return c.json({ code, message }, http);
  const { status: type } = otlpTypes();
  const bytes = type.encode(type.create({ code, message })).finish();
  return c.body(new Uint8Array(bytes), http, { 'Content-Type': PROTOBUF });
}
