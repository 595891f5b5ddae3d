/**
 * The storage process's HTTP API: health, query and ingest. Built as a hono app over a
 * StorageEngine, so tests call `app.request()` without a socket.
 */
import { availableParallelism } from 'node:os';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { streamSSE } from 'hono/streaming';
import { AFTER_HEADER, type After, decodeAfter } from '../core/batch-order.js';
import { UserError } from '../core/errors.js';
import type { LogEvent } from '../core/events.js';
import { LINK_SECRET_HEADER } from '../core/link-secret.js';
import { decodeRawLines, RAW_LINES_MEDIA_TYPE } from '../core/raw-lines.js';
import type { StorageEngine, WriteBatch } from '../core/storage.js';
import type { ParserOptions } from '../parser/index.js';
import { committedPositions } from '../storage/index.js';
import {
  deserializeRows,
  type EncodedRows,
  eventRows,
  ROWS_MEDIA_TYPE,
  SEGMENT_ENCODING,
} from '../storage/rows/index.js';
import { type AgentRowsPool, sharedAgentRowsPool } from './agent-rows-pool.js';
import { appendSignal, OutOfOrderError, waitForPredecessors } from './batch-wait.js';
import { limitBody } from './body-limit.js';
import { contextRoute } from './context.js';
import { maxValueBytesParam } from './cut-values.js';
import { addElasticRoutes } from './elastic/routes.js';
import { eventRoute } from './event.js';
import { fieldFacets, MAX_FIELDS_SAMPLE } from './fields.js';
import { histogramRoute } from './histogram.js';
import { errorResponse, positiveInt, timeRange } from './http-params.js';
import { decodeIngestBody, parserFor } from './ingest.js';
import { languageReference } from './language.js';
import { INTERNAL_MEDIA_PREFIX, type LinkAuth, mediaType, requireComponent } from './link-auth.js';
import { lokiPush } from './loki/push-route.js';
import { addOpsRoutes, addTimeReceived, type ComponentCounters, countError, newCounters } from './ops.js';
import { otlpLogs } from './otlp/logs-route.js';
import { queryRoute } from './query-route.js';
import { STOPPING_MESSAGE, type StopGate } from './stop-gate.js';
import { assertTailable, followQuery } from './tail.js';
import { addUiRoutes } from './ui-static.js';
import { valuesRoute } from './values.js';

export interface AppOptions {
  store: StorageEngine;
  /** When set, every /api request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * The data dir's link secret (core/link-secret.ts): ingest requests that speak an internal
   * protocol (binary bodies, event streams, the batch order header) must carry it, unless a
   * bearer token is required. Absent: every client counts as a component (apps built in
   * process); every server logpipe starts passes one.
   */
  linkSecret?: string;
  /** Largest ingest body accepted, bytes. */
  maxBodyBytes?: number;
  /** Per-query engine time limit. */
  queryTimeoutMs?: number;
  /** Zone and user patterns for lines posted to /api/ingest. */
  parser?: ParserOptions;
  /**
   * The counters /status and /metrics report. Default: this API's own ingest counters, as the
   * storage process of `logpipe up` or `logpipe store --serve`.
   */
  counters?: () => ComponentCounters[];
  /**
   * How long an ingest request that names the events sent before it (core/batch-order.ts)
   * waits for them to be stored before it is answered 503, to be sent again.
   */
  orderWaitMs?: number;
  /**
   * The process's stop (stop-gate.ts): once it begins, API requests are refused with 503 "logpipe
   * is stopping" and live tails end; absent, the app never refuses (apps built in process).
   */
  gate?: StopGate;
  /** The built web UI's folder; default dist/ui (server/ui-static.ts), null for none. */
  uiDir?: string | null;
  /**
   * Worker threads that turn OTLP, Loki and Elasticsearch bulk bodies into the store's rows
   * (agent-rows-pool.ts), shared by the process's APIs: default one on two cores or more, none on
   * one; 0 decodes on the HTTP thread. A store that takes no encoded rows (in memory) has its
   * bodies decoded there too.
   */
  agentWorkers?: number;
  /** A pool to use instead of the process's (tests). */
  agentRowsPool?: AgentRowsPool;
}

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
/** Long enough for the batch before to be parsed and appended, or retried through a restart. */
const DEFAULT_ORDER_WAIT_MS = 30_000;

/** Builds the API app. */
export function createApp(opts: AppOptions): Hono {
  const app = new Hono();
  const own: ComponentCounters = newCounters('store');
  const appended = appendSignal();
  const auth: LinkAuth = { secret: opts.linkSecret, token: opts.token };
  addOpsRoutes(app, {
    counters: opts.counters ?? (() => [own]),
    storeFiles: () => opts.store.fileHealth?.(),
  });
  if (opts.token) {
    app.use('/api/*', bearerAuth({ token: opts.token }));
    app.use('/v1/*', bearerAuth({ token: opts.token }));
    app.use('/loki/*', bearerAuth({ token: opts.token }));
  }
  if (opts.gate) {
    app.use('/api/*', opts.gate.middleware);
    app.use('/v1/*', opts.gate.middleware);
    app.use('/loki/*', opts.gate.middleware);
  }

  app.get('/api/committed', async (c) => {
    const fp = c.req.query('fingerprint');
    if (!fp) return errorResponse(c, new UserError('fingerprint is required'));
    try {
      return c.json({ positions: await committedPositions(opts.store, fp) });
    } catch (err) {
      return errorResponse(c, err);
    }
  });

  app.get('/api/query', queryRoute(opts));
  // What the web UI asks besides queries (docs/api.md).
  app.get('/api/histogram', histogramRoute(opts));
  app.get('/api/context', contextRoute(opts));
  app.get('/api/event', eventRoute(opts));
  app.get('/api/values', valuesRoute(opts));
  app.get('/api/language', (c) => c.json(languageReference()));

  app.get('/api/fields', async (c) => {
    try {
      const sample = c.req.query('sample');
      const top = c.req.query('top');
      return c.json(
        await fieldFacets(opts.store, {
          q: c.req.query('q') ?? '*',
          ...timeRange(c),
          sample: sample ? Math.min(MAX_FIELDS_SAMPLE, positiveInt(sample, 'sample')) : undefined,
          top: top ? positiveInt(top, 'top') : undefined,
          count: c.req.query('count') === '1',
        }),
      );
    } catch (err) {
      return errorResponse(c, err);
    }
  });

  app.get('/api/tail', async (c) => {
    const q = c.req.query('q') ?? '*';
    let maxValueBytes: number | undefined;
    try {
      assertTailable(q);
      maxValueBytes = maxValueBytesParam(c);
    } catch (err) {
      return errorResponse(c, err);
    }
    return streamSSE(c, async (stream) => {
      const ac = new AbortController();
      // The client going away ends the follow loop, and so does the process stopping.
      stream.onAbort(() => ac.abort());
      const stopping = () => ac.abort();
      opts.gate?.signal.addEventListener('abort', stopping, { once: true });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      try {
        await followQuery(opts.store, {
          q,
          identity: c.req.query('identity') !== '0',
          maxValueBytes,
          signal: ac.signal,
          onRows: async (rows, columns) => {
            await stream.writeSSE({ event: 'rows', data: JSON.stringify({ columns, rows }) });
          },
          onSkipped: async (n) => {
            await stream.writeSSE({ event: 'skipped', data: JSON.stringify({ skipped: n }) });
          },
        });
      } catch (err) {
        if (!ac.signal.aborted)
          await stream.writeSSE({
            event: 'error',
            data: JSON.stringify({ message: (err as Error).message }),
          });
      } finally {
        opts.gate?.signal.removeEventListener('abort', stopping);
      }
      // One clear last word for the client (`logpipe tail` prints it) rather than a cut stream.
      if (opts.gate?.signal.aborted) {
        await stream.writeSSE({ event: 'error', data: JSON.stringify({ message: STOPPING_MESSAGE }) });
      }
    });
  });

  app.post('/api/ingest', limitBody(opts.maxBodyBytes ?? DEFAULT_MAX_BODY), async (c) => {
    let input: LogEvent[] | WriteBatch;
    let after: After;
    own.queue_depth++;
    try {
      // Internal protocols name the identities exactly-once rests on: components only.
      const linkHeader = c.req.header(LINK_SECRET_HEADER);
      const component = (what: string) => requireComponent(auth, linkHeader, what);
      const afterHeader = c.req.header(AFTER_HEADER);
      if (afterHeader !== undefined) component(`the ${AFTER_HEADER} header`);
      after = decodeAfter(afterHeader);
      const type = c.req.header('content-type');
      if (type?.startsWith(ROWS_MEDIA_TYPE)) {
        component('a segment-rows body');
        // Rows `logpipe parse` encoded already: checked, then copied into a batch as they are.
        const body = new Uint8Array(await c.req.arrayBuffer());
        own.bytes_in += body.length;
        const encoded = deserializeRows(body);
        const batch = opts.store.batch();
        try {
          batch.add(encoded);
        } catch (err) {
          own.queue_depth--;
          return c.json({ error: { type: 'request', message: (err as Error).message } }, 415);
        }
        input = batch;
        own.events_in += encoded.count;
      } else if (type?.startsWith(RAW_LINES_MEDIA_TYPE)) {
        component('a raw-lines body');
        const body = new Uint8Array(await c.req.arrayBuffer());
        own.bytes_in += body.length;
        const raws = decodeRawLines(body);
        // Parsed as they go into the batch (access lines straight into rows).
        const batch = opts.store.batch();
        const parse = parserFor({
          format: c.req.query('format'),
          service: c.req.query('service'),
          parser: opts.parser,
        });
        batch.addRaw(raws, parse);
        addTimeReceived(own, parse.readTime);
        input = batch;
        own.events_in += raws.length;
      } else if (type?.startsWith(INTERNAL_MEDIA_PREFIX)) {
        // Another internal body (a newer logpipe's): the sender goes back to one taken here.
        component(`a ${mediaType(type)} body`);
        own.queue_depth--;
        return c.json({ error: { type: 'request', message: `${mediaType(type)} is not taken here` } }, 415);
      } else {
        const body = await c.req.text();
        own.bytes_in += Buffer.byteLength(body);
        input = decodeIngestBody(body, {
          format: c.req.query('format'),
          source: c.req.query('source'),
          service: c.req.query('service'),
          parser: opts.parser,
          requireComponent: component,
          parsedWith: (parse) => addTimeReceived(own, parse.readTime),
        });
        own.events_in += input.length;
      }
    } catch (err) {
      own.queue_depth--;
      countError(own, err);
      return errorResponse(c, err);
    }
    try {
      await waitForPredecessors(opts.store, after, appended, opts.orderWaitMs ?? DEFAULT_ORDER_WAIT_MS);
    } catch (err) {
      own.queue_depth--;
      countError(own, err);
      const message = (err as Error).message;
      return c.json({ error: { type: err instanceof OutOfOrderError ? 'order' : 'storage', message } }, 503);
    }
    try {
      // 2xx only once the rows are committed: the sender may drop its copy then.
      const r = await opts.store.append(input);
      own.events_out += r.stored;
      return c.json(r);
    } catch (err) {
      countError(own, err);
      return c.json({ error: { type: 'storage', message: (err as Error).message } }, 503);
    } finally {
      appended.notify();
      own.queue_depth--;
    }
  });

  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  // What every agents' protocol below shares: appending decoded events (or a batch of rows) with
  // the store's counters and the live tail's signal, and counting what came in and what failed.
  const agentInput = {
    append: async (input: LogEvent[] | WriteBatch) => {
      own.queue_depth++;
      try {
        const r = await opts.store.append(input);
        own.events_out += r.stored;
        return r;
      } finally {
        appended.notify();
        own.queue_depth--;
      }
    },
    counted: (bytes: number, events: number) => {
      own.bytes_in += bytes;
      own.events_in += events;
    },
    failed: (err: unknown) => countError(own, err),
  };

  // OTLP logs over HTTP (docs/ingest.md): what OpenTelemetry SDKs and collectors send.
  const threads = opts.agentWorkers ?? (availableParallelism() >= 2 ? 1 : 0);
  let rowsPool: AgentRowsPool | null | undefined;
  const agentRows = (): AgentRowsPool | null => {
    rowsPool ??=
      (opts.agentRowsPool !== undefined || threads > 0) && takesRows(opts.store)
        ? (opts.agentRowsPool ?? sharedAgentRowsPool(threads))
        : null;
    return rowsPool;
  };
  app.post('/v1/logs', limitBody(maxBody), (c) =>
    otlpLogs(c, {
      maxBodyBytes: maxBody,
      rows: agentRows,
      batch: () => opts.store.batch(),
      ...agentInput,
    }),
  );

  // The Loki push API (docs/ingest.md): Promtail, Alloy, and the Loki outputs of Fluent Bit and
  // Vector. A parser per request, as for /api/ingest: it detects each stream's format; on the
  // decode workers when there are any, as OTLP.
  app.post('/loki/api/v1/push', limitBody(maxBody), (c) =>
    lokiPush(c, {
      maxBodyBytes: maxBody,
      parser: opts.parser,
      rows: agentRows,
      batch: () => opts.store.batch(),
      readTime: (counts) => addTimeReceived(own, counts),
      ...agentInput,
    }),
  );

  // Elasticsearch's bulk API and the probes agents call at start (docs/ingest.md), on the root.
  addElasticRoutes(app, {
    maxBodyBytes: maxBody,
    token: opts.token,
    gate: opts.gate,
    rows: agentRows,
    batch: () => opts.store.batch(),
    ...agentInput,
  });

  app.get('/api/stats', async (c) => c.json(await opts.store.stats()));
  // The web UI's page and assets (docs/ui.md): public, they hold no data.
  addUiRoutes(app, opts.uiDir);
  app.notFound((c) =>
    c.json({ error: { type: 'request', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  return app;
}

/**
 * Whether the store's batches take segment rows encoded ahead (a store of segment files does; an
 * in-memory store takes only events): asked once, with no rows.
 */
function takesRows(store: StorageEngine): boolean {
  const none: EncodedRows = { encoding: SEGMENT_ENCODING, count: 0, rows: eventRows(0) };
  try {
    store.batch().add(none);
    return true;
  } catch {
    return false;
  }
}
