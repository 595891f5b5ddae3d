/**
 * `POST /v1/logs`: OTLP logs over HTTP, protobuf or JSON, plain or gzip, answered as the OTLP
 * specification asks: 200 with an ExportLogsServiceResponse (a partial success names records not
 * stored) once the store committed the rest; 400 for a body that is not a valid request (not
 * retryable, nothing stored); 413 for one over the size limit; 415 for another content type or
 * encoding; 503 with Retry-After when the store cannot take it now (the exporter retries).
 * Error bodies are a `google.rpc.Status` in the request's encoding.
 */
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { UserError } from '../../core/errors.js';
import type { LogEvent } from '../../core/events.js';
import { otlpLogsToEvents } from './logs-events.js';
import { otlpTypes } from './logs-schema.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** What the route needs from the API around it. */
export interface OtlpRouteDeps {
  maxBodyBytes: number;
  /** Stores the events; resolves once committed. */
  append(events: LogEvent[]): Promise<{ stored: number }>;
  /** Counts bytes and events in (for /status and /metrics). */
  counted(bytes: number, events: number): void;
  failed(err: unknown): void;
}

type Encoding = 'protobuf' | 'json';

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
  let events: LogEvent[];
  let rejected = 0;
  let reason = '';
  try {
    const body = await readBody(c, deps.maxBodyBytes);
    const req = enc === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
    const generation = `otlp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const decoded = otlpLogsToEvents(req, { source: 'otlp', generation, nowMs: Date.now() });
    events = decoded.events;
    rejected = decoded.rejected;
    reason = decoded.reason;
    deps.counted(body.length, events.length);
  } catch (err) {
    deps.failed(err);
    if (err instanceof TooLarge) return status(c, enc, 413, err.message);
    if (err instanceof Unsupported) return status(c, enc, 415, err.message);
    if (err instanceof UserError) return status(c, enc, 400, err.message);
    throw err;
  }
  if (events.length > 0) {
    try {
      await deps.append(events);
    } catch (err) {
      deps.failed(err);
      c.header('Retry-After', '1');
      return status(c, enc, 503, `the store could not take the records now: ${(err as Error).message}`);
    }
  }
  return success(c, enc, rejected, reason);
}

class TooLarge extends Error {}
class Unsupported extends Error {}

async function readBody(c: Context, max: number): Promise<Buffer> {
  const raw = Buffer.from(await c.req.arrayBuffer());
  const encoding = (c.req.header('content-encoding') ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  if (encoding !== 'gzip')
    throw new Unsupported(`content encoding ${JSON.stringify(encoding)} is not taken: send gzip or none`);
  try {
    // Bounded, so a small body cannot inflate past the limit (a gzip bomb).
    return gunzipSync(raw, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new TooLarge(`the request inflates past ${max} bytes`);
    throw new UserError(`the body is not valid gzip data (${(err as Error).message})`);
  }
}

function decodeProtobuf(body: Buffer): unknown {
  try {
    // The decoded message itself, not a plain copy (toObject doubled the decode's cost): the
    // mapper reads a field only where the message holds it (logs-events.ts).
    return otlpTypes().request.decode(body);
  } catch (err) {
    // Truncated or malformed protobuf, or nesting deep enough to exhaust the stack.
    throw new UserError(`the body is not a valid OTLP ExportLogsServiceRequest (${(err as Error).message})`);
  }
}

function decodeJson(body: Buffer): unknown {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let s: string;
  try {
    s = text.decode(body);
  } catch {
    throw new UserError('the body is not valid UTF-8');
  }
  try {
    return JSON.parse(s);
  } catch (err) {
    throw new UserError(`the body is not valid JSON (${(err as Error).message})`);
  }
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
