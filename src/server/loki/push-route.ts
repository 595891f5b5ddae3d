/**
 * `POST /loki/api/v1/push`: what Promtail, Grafana Alloy, Fluent Bit's `loki` output, Vector's
 * `loki` sink and Loki's own clients send: snappy-compressed protobuf (`application/x-protobuf`),
 * or JSON (`application/json`, plain or gzip). Answered as Loki answers: 204 once the store has
 * committed every entry; 400 with a line of text for a body that is not a valid push (nothing
 * stored); 413 over the body limit; 415 for another content type; 503 when the store cannot take
 * it now, or the worker decoding it died (the agents retry). The body is decoded, parsed and
 * encoded into the store's rows on a worker (agent-rows-pool.ts) when there is one, so this
 * thread only reads it, appends the rows and answers.
 */
import type { Context } from 'hono';
import { UserError } from '../../core/errors.js';
import type { LogEvent } from '../../core/events.js';
import type { WriteBatch } from '../../core/storage.js';
import type { ParserOptions, ReadTimeCounts } from '../../parser/index.js';
import { type AgentRowsPool, WorkerFailed } from '../agent-rows-pool.js';
import { BodyRefused, contentEncoding } from '../otlp/logs-decode.js';
import { decodeLokiBody, type LokiEncoding } from './push-decode.js';

/** What the route needs from the API around it. */
export interface LokiRouteDeps {
  maxBodyBytes: number;
  /** The API's zone and user patterns, for the parser each push's lines go through. */
  parser: ParserOptions | undefined;
  /**
   * Workers that turn a body into the store's rows, or null to decode and parse it on this
   * thread into events (one core, or a store that takes no encoded rows).
   */
  rows: () => AgentRowsPool | null;
  /** An empty batch of the store's, for rows the workers encoded. */
  batch(): WriteBatch;
  append(input: LogEvent[] | WriteBatch): Promise<{ stored: number }>;
  counted(bytes: number, events: number): void;
  /** Counts the lines the parser gave their read time (ops.ts's time_received). */
  readTime(counts: ReadTimeCounts): void;
  failed(err: unknown): void;
}

/** Handles one push request. */
export async function lokiPush(c: Context, deps: LokiRouteDeps): Promise<Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  let input: LogEvent[] | WriteBatch;
  let count: number;
  try {
    if (type !== 'application/x-protobuf' && type !== 'application/json')
      throw new BodyRefused(
        415,
        `content type ${JSON.stringify(type)} is not a Loki push: send application/x-protobuf (snappy) or application/json`,
      );
    const enc: LokiEncoding = type === 'application/x-protobuf' ? 'protobuf' : 'json';
    // A protobuf body is snappy whatever it says; JSON's encoding is checked before it is read.
    const gzip = enc === 'json' ? contentEncoding(c.req.header('content-encoding')) : null;
    const body = await c.req.arrayBuffer();
    const bytes = body.byteLength;
    const generation = `loki-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const job = { body, encoding: enc, gzip, maxBodyBytes: deps.maxBodyBytes, generation };
    const pool = deps.rows();
    if (pool !== null) {
      const got = await pool.decode({ kind: 'loki', ...job, parser: deps.parser });
      // Copied into the store's batch: the rows' memory can take another body's.
      const batch = deps.batch();
      batch.add(got.rows);
      pool.release(got.rows);
      deps.readTime(got.readTime);
      input = batch;
      count = got.rows.count;
    } else {
      const decoded = decodeLokiBody(
        new Uint8Array(body),
        enc,
        gzip,
        deps.maxBodyBytes,
        generation,
        deps.parser,
      );
      deps.readTime(decoded.readTime);
      input = decoded.events;
      count = decoded.events.length;
    }
    deps.counted(bytes, count);
  } catch (err) {
    deps.failed(err);
    if (err instanceof BodyRefused) return c.text(err.message, err.status);
    if (err instanceof UserError) return c.text(err.message, 400);
    if (err instanceof WorkerFailed) {
      c.header('Retry-After', '1');
      return c.text(`the entries could not be decoded now: ${err.message}`, 503);
    }
    throw err;
  }
  if (count > 0) {
    try {
      await deps.append(input);
    } catch (err) {
      deps.failed(err);
      c.header('Retry-After', '1');
      return c.text(`the store could not take the entries now: ${(err as Error).message}`, 503);
    }
  }
  return c.body(null, 204);
}
