/**
 * `POST /loki/api/v1/push`: what Promtail, Grafana Alloy, Fluent Bit's `loki` output, Vector's
 * `loki` sink and Loki's own clients send: snappy-compressed protobuf (`application/x-protobuf`),
 * or JSON (`application/json`, plain or gzip). Answered as Loki answers: 204 once the store has
 * committed every entry; 400 with a line of text for a body that is not a valid push (nothing
 * stored); 413 over the body limit; 415 for another content type; 503 when the store cannot take
 * it now (the agents retry).
 */
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { UserError } from '../../core/errors.js';
import type { LogEvent, RawEvent } from '../../core/events.js';
import { lokiPushToEvents } from './push-events.js';
import { pushRequestType } from './push-schema.js';
import { SnappyTooBig, unsnappyBlock } from './snappy-block.js';

/** What the route needs from the API around it. */
export interface LokiRouteDeps {
  maxBodyBytes: number;
  /** Parses a batch of lines (detected per line, or by each line's format hint). */
  parse(raws: RawEvent[]): LogEvent[];
  append(events: LogEvent[]): Promise<{ stored: number }>;
  counted(bytes: number, events: number): void;
  failed(err: unknown): void;
}

class Refused extends Error {
  constructor(
    readonly status: 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Handles one push request. */
export async function lokiPush(c: Context, deps: LokiRouteDeps): Promise<Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  let events: LogEvent[];
  try {
    if (type !== 'application/x-protobuf' && type !== 'application/json')
      throw new Refused(
        415,
        `content type ${JSON.stringify(type)} is not a Loki push: send application/x-protobuf (snappy) or application/json`,
      );
    const raw = Buffer.from(await c.req.arrayBuffer());
    const protobuf = type === 'application/x-protobuf';
    const body = protobuf
      ? unsnappy(raw, deps.maxBodyBytes)
      : inflate(raw, c.req.header('content-encoding'), deps.maxBodyBytes);
    const req = protobuf ? decodeProtobuf(body) : decodeJson(body);
    const generation = `loki-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    events = lokiPushToEvents(req, protobuf, { generation, parse: deps.parse });
    deps.counted(raw.length, events.length);
  } catch (err) {
    deps.failed(err);
    if (err instanceof Refused) return c.text(err.message, err.status);
    if (err instanceof UserError) return c.text(err.message, 400);
    throw err;
  }
  if (events.length > 0) {
    try {
      await deps.append(events);
    } catch (err) {
      deps.failed(err);
      c.header('Retry-After', '1');
      return c.text(`the store could not take the entries now: ${(err as Error).message}`, 503);
    }
  }
  return c.body(null, 204);
}

/** Loki's protobuf bodies are snappy blocks; the length they claim is checked before inflating. */
function unsnappy(raw: Buffer, max: number): Uint8Array {
  try {
    return unsnappyBlock(raw, max);
  } catch (err) {
    if (err instanceof SnappyTooBig) throw new Refused(413, `the request inflates past ${max} bytes`);
    throw err;
  }
}

function inflate(raw: Buffer, encoding: string | undefined, max: number): Buffer {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === '' || e === 'identity') return raw;
  if (e !== 'gzip')
    throw new Refused(415, `content encoding ${JSON.stringify(e)} is not taken: send gzip or none`);
  try {
    return gunzipSync(raw, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new Refused(413, `the request inflates past ${max} bytes`);
    throw new UserError(`the body is not valid gzip data (${(err as Error).message})`);
  }
}

function decodeProtobuf(body: Uint8Array): unknown {
  try {
    return pushRequestType().decode(body);
  } catch (err) {
    throw new UserError(`the body is not a valid Loki PushRequest (${(err as Error).message})`);
  }
}

function decodeJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new UserError('the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`the body is not valid JSON (${(err as Error).message})`);
  }
}
