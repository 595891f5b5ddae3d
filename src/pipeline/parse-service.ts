/**
 * The parser as a process of its own (`logpipe parse --listen`, one container in compose): it
 * takes raw-event batches over HTTP, parses them, passes the events to the store, and answers
 * the sender only with the store's answer, so a 2xx still means "committed". It keeps no queue
 * of its own: a slow or absent store slows or fails the request, and the sender retries. Raw
 * lines and raw-events streams name their identities, so only a component (with the data dir's
 * link secret) may send them; plain lines from anyone else get identities of their own here.
 */
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { AFTER_HEADER } from '../core/batch-order.js';
import type { LogEvent, RawEvent } from '../core/events.js';
import { LINK_SECRET_HEADER } from '../core/link-secret.js';
import type { Logger } from '../core/log.js';
import { encodeLogEventMicros, streamHeader } from '../core/ndjson.js';
import { decodeRawLines, RAW_LINES_MEDIA_TYPE } from '../core/raw-lines.js';
import { createParser, type ParserOptions } from '../parser/index.js';
import { limitBody } from '../server/body-limit.js';
import { decodeIngestBody } from '../server/ingest.js';
import {
  INTERNAL_MEDIA_PREFIX,
  type LinkAuth,
  LinkAuthError,
  mediaType,
  requireComponent,
} from '../server/link-auth.js';
import { addOpsRoutes, type ComponentCounters, countError, newCounters } from '../server/ops.js';
import { type ServedApp, serveApp } from '../server/serve.js';
import {
  addEvents,
  addRawEvents,
  type EncodedRows,
  eventRows,
  ROWS_MEDIA_TYPE,
  resetEventRows,
  SEGMENT_ENCODING,
  serializeRows,
} from '../storage/rows/index.js';
import {
  type BodyChoice,
  deliver,
  deliverPreferring,
  getJson,
  type LinkBody,
  RejectedError,
} from './http-link.js';

export interface ParseServiceOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The store's base URL. */
  to: string;
  /** Required from senders (beyond loopback) and sent to the store. */
  token?: string;
  /**
   * The data dir's link secret: required of senders of raw lines and event streams, and sent
   * to the store. Absent: every sender counts as a component (services built in tests).
   */
  linkSecret?: string;
  parser: ParserOptions;
  log: Logger;
  maxBodyBytes?: number;
}

export interface ParseService {
  url: string;
  counters(): ComponentCounters;
  stop(): Promise<void>;
}

/** Starts the parser service. */
export async function startParseService(opts: ParseServiceOptions): Promise<ParseService> {
  const counters: ComponentCounters = newCounters('parser');
  // One parser for every request: format detection sticks per source across batches.
  const parse = createParser(opts.parser);
  // The parser's own counts, read when /metrics is asked.
  counters.time_received = parse.readTime;
  // Events go to the store as segment rows, encoded here (the store then copies bytes instead of
  // decoding JSON and encoding each string again), unless it answers that it cannot take them.
  const choice: BodyChoice = { binary: true };
  const rows = eventRows();
  const rowsBody = (input: { events: LogEvent[] } | { raws: RawEvent[] }): LinkBody => {
    // Filled and serialised with no await between: concurrent requests never share it.
    resetEventRows(rows);
    let count: number;
    if ('raws' in input) {
      // Raw lines: access lines go straight into rows, the rest through the parser.
      addRawEvents(rows, input.raws, parse);
      count = input.raws.length;
    } else {
      addEvents(rows, input.events);
      count = input.events.length;
    }
    const encoded: EncodedRows = { encoding: SEGMENT_ENCODING, count, rows };
    return { bytes: Buffer.concat(serializeRows(encoded)), contentType: ROWS_MEDIA_TYPE };
  };
  const stopping = new AbortController();
  const auth: LinkAuth = { secret: opts.linkSecret, token: opts.token };
  const app = new Hono();
  addOpsRoutes(app, { counters: () => [counters] });
  if (opts.token) app.use('/api/*', bearerAuth({ token: opts.token }));

  app.get('/api/committed', async (c) => {
    const fp = c.req.query('fingerprint') ?? '';
    try {
      return c.json(
        (await getJson(
          `${opts.to}/api/committed?fingerprint=${encodeURIComponent(fp)}`,
          opts.token,
        )) as object,
      );
    } catch (err) {
      return c.json({ error: { type: 'upstream', message: (err as Error).message } }, 502);
    }
  });

  app.post('/api/ingest', limitBody(opts.maxBodyBytes ?? 64 * 1024 * 1024), async (c) => {
    counters.queue_depth++;
    try {
      let events: LogEvent[] | null = null;
      let raws: RawEvent[] | null = null;
      // Which events the batch follows, for the store to keep the sender's order.
      const after = c.req.header(AFTER_HEADER);
      try {
        const linkHeader = c.req.header(LINK_SECRET_HEADER);
        const component = (what: string) => requireComponent(auth, linkHeader, what);
        if (after !== undefined) component(`the ${AFTER_HEADER} header`);
        const type = c.req.header('content-type');
        if (type?.startsWith(RAW_LINES_MEDIA_TYPE)) {
          component('a raw-lines body');
          const body = new Uint8Array(await c.req.arrayBuffer());
          counters.bytes_in += body.length;
          raws = decodeRawLines(body);
        } else if (type?.startsWith(INTERNAL_MEDIA_PREFIX)) {
          // Segment rows, or a newer logpipe's body: not what a parser reads.
          component(`a ${mediaType(type)} body`);
          return c.json({ error: { type: 'request', message: `${mediaType(type)} is not taken here` } }, 415);
        } else {
          const text = await c.req.text();
          counters.bytes_in += Buffer.byteLength(text);
          events = decodeIngestBody(text, { parse, requireComponent: component });
        }
      } catch (err) {
        countError(counters, err);
        if (err instanceof LinkAuthError) {
          return c.json({ error: { type: 'auth', message: err.message } }, err.status);
        }
        return c.json({ error: { type: 'request', message: (err as Error).message } }, 400);
      }
      const count = raws !== null ? raws.length : events!.length;
      counters.events_in += count;
      // Parsed into events only when they are sent as events (NDJSON): raw lines bound for rows
      // are parsed as they are encoded. A batch that falls back to NDJSON after its rows were
      // refused is parsed a second time, which its source's format detection counts twice.
      const eventsOf = (): LogEvent[] => {
        if (events === null) events = parse(raws!);
        return events;
      };
      const send = (body: LinkBody): Promise<unknown> =>
        // One attempt: the sender owns retrying, so a batch is never in flight twice from here.
        deliver(
          {
            url: opts.to,
            token: opts.token,
            linkSecret: opts.linkSecret,
            signal: stopping.signal,
            attemptTimeoutMs: 110_000,
            maxAttempts: 1,
          },
          '/api/ingest',
          body,
          after !== undefined ? { [AFTER_HEADER]: after } : {},
        );
      try {
        const { answer, bytes } = await deliverPreferring(
          choice,
          send,
          () => rowsBody(raws !== null ? { raws } : { events: eventsOf() }),
          () => encodeBatch(eventsOf()),
          // A store that does not take encoded rows (another engine) gets events as NDJSON.
          () => opts.log.info(`${opts.to} does not take encoded rows; sending events as NDJSON from now on`),
        );
        counters.events_out += count;
        counters.bytes_out += bytes;
        return c.json(answer as object);
      } catch (err) {
        countError(counters, err);
        const status = err instanceof RejectedError ? 400 : 503;
        return c.json({ error: { type: 'upstream', message: (err as Error).message } }, status);
      }
    } finally {
      counters.queue_depth--;
    }
  });
  app.notFound((c) =>
    c.json({ error: { type: 'request', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  const served: ServedApp = await serveApp(app, opts.host, opts.port, 'parse --listen');
  return {
    url: served.url,
    counters: () => counters,
    stop: async () => {
      stopping.abort();
      await served.stop();
    },
  };
}

function encodeBatch(events: LogEvent[]): string {
  const parts = new Array<string>(events.length + 1);
  parts[0] = streamHeader('log-events');
  for (let i = 0; i < events.length; i++) parts[i + 1] = encodeLogEventMicros(events[i]);
  return `${parts.join('\n')}\n`;
}
