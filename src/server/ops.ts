/**
 * What every component process serves for operators: `/healthz`, Prometheus `/metrics` and a JSON
 * `/status` (what `logpipe status` prints). Components keep plain counters; this module reads
 * them when asked, so the hot paths pay for nothing but an addition.
 */
import type { Hono } from 'hono';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { StoreFileHealth } from '../core/storage.js';

/** One component's counters, as its process knows them now. */
export interface ComponentCounters {
  /** `store`, `parser`, `collector`, `generator`, or `pipeline` for `logpipe run`. */
  component: string;
  events_in: number;
  events_out: number;
  bytes_in: number;
  bytes_out: number;
  errors: number;
  /** Batches or events waiting inside the component. */
  queue_depth: number;
  /** Bytes in watched files not yet stored: unread, or read and not acknowledged (collectors). */
  lag_bytes?: number;
  /** Seconds since the checkpoint was last written (collectors); null before the first. */
  checkpoint_age_s?: number | null;
  /** Store files moved to quarantine (or left out by a read-only open), and data files found missing (stores). */
  quarantined_files?: number;
  missing_files?: number;
  /**
   * Events that got the time they were read because their line had no time of its own
   * (`fields.ts_source: "received"`), by format (parsers): the parser's `readTime` counts.
   */
  time_received?: Record<string, number>;
  last_error?: string | null;
}

/** Adds a parser's read-time counts (by format) to a component's. */
export function addTimeReceived(c: ComponentCounters, counts: Readonly<Record<string, number>>): void {
  for (const format in counts) {
    const n = counts[format];
    if (!(n > 0)) continue;
    const into = (c.time_received ??= {});
    into[format] = (into[format] ?? 0) + n;
  }
}

/** A component's counters at zero. */
export function newCounters(component: string): ComponentCounters {
  return {
    component,
    events_in: 0,
    events_out: 0,
    bytes_in: 0,
    bytes_out: 0,
    errors: 0,
    queue_depth: 0,
    last_error: null,
  };
}

/** Counts a failure: one more error, and its message as the last one. */
export function countError(c: ComponentCounters, err: unknown): void {
  c.errors++;
  c.last_error = (err as Error)?.message ?? String(err);
}

/** A component's status as `/status` reports it: counters, rates and identity. */
export interface ComponentStatus extends ComponentCounters {
  pid: number;
  started_at: string;
  uptime_s: number;
  /** Times the supervisor restarted this component (from LOGPIPE_RESTARTS). */
  restarts: number;
  /** Events per second in and out, over the last few seconds. */
  in_per_s: number;
  out_per_s: number;
}

export interface OpsOptions {
  /** The counters of every component this process runs (one, or three under `logpipe run`). */
  counters: () => ComponentCounters[];
  /** The store's files set aside or missing, added to the `store` component (its process only). */
  storeFiles?: () => StoreFileHealth | undefined;
}

const RATE_WINDOW = 5;

/** Adds /healthz, /metrics and /status to an app. */
export function addOpsRoutes(app: Hono, opts: OpsOptions): { stop(): void } {
  const startedAt = new Date();
  const restarts = Number(process.env.LOGPIPE_RESTARTS ?? 0) || 0;
  // Per component, counter samples once a second: rates over the last RATE_WINDOW seconds.
  const samples = new Map<string, { at: number; inn: number; out: number }[]>();
  const sample = () => {
    const now = Date.now();
    for (const c of opts.counters()) {
      const list = samples.get(c.component) ?? [];
      list.push({ at: now, inn: c.events_in, out: c.events_out });
      if (list.length > RATE_WINDOW + 1) list.shift();
      samples.set(c.component, list);
    }
  };
  sample();
  const timer = setInterval(sample, 1000);
  timer.unref();

  const status = (): ComponentStatus[] =>
    opts.counters().map((c) => {
      const list = samples.get(c.component) ?? [];
      const first = list[0];
      const secs = first ? (Date.now() - first.at) / 1000 : 0;
      const files = c.component === 'store' ? opts.storeFiles?.() : undefined;
      return {
        ...c,
        ...files,
        pid: process.pid,
        started_at: startedAt.toISOString(),
        uptime_s: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
        restarts,
        in_per_s: first && secs >= 0.5 ? Math.round((c.events_in - first.inn) / secs) : 0,
        out_per_s: first && secs >= 0.5 ? Math.round((c.events_out - first.out) / secs) : 0,
      };
    });

  const registry = buildRegistry(status);
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/status', (c) => c.json({ components: status() }));
  app.get('/metrics', async (c) => {
    const body = await registry.metrics();
    return c.body(body, 200, { 'content-type': registry.contentType });
  });
  return { stop: () => clearInterval(timer) };
}

/** The Prometheus registry: process defaults plus one series per component for each counter. */
function buildRegistry(status: () => ComponentStatus[]): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'logpipe_' });
  const labelNames = ['component'] as const;
  // Counters are set from the components' own totals at scrape time: reset, then add the total.
  const counter = (name: string, help: string, pick: (s: ComponentStatus) => number) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of status()) this.inc({ component: s.component }, pick(s));
      },
    });
  const gauge = (name: string, help: string, pick: (s: ComponentStatus) => number | null | undefined) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of status()) {
          const v = pick(s);
          if (v !== null && v !== undefined) this.set({ component: s.component }, v);
        }
      },
    });
  counter('logpipe_events_in_total', 'Events (lines) received by the component.', (s) => s.events_in);
  counter('logpipe_events_out_total', 'Events passed on (or stored) by the component.', (s) => s.events_out);
  counter('logpipe_bytes_in_total', 'Bytes received by the component.', (s) => s.bytes_in);
  counter('logpipe_bytes_out_total', 'Bytes passed on by the component.', (s) => s.bytes_out);
  counter(
    'logpipe_errors_total',
    'Errors: failed deliveries, rejected requests, failed appends.',
    (s) => s.errors,
  );
  // By format, not by source: sources are paths a glob may match by the thousand.
  new Counter({
    name: 'logpipe_events_time_received_total',
    help: 'Events without a time of their own in their line, given the time they were read (fields.ts_source="received").',
    labelNames: ['component', 'format'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of status()) {
        const counts = s.time_received;
        if (counts === undefined) continue;
        for (const format in counts) this.inc({ component: s.component, format }, counts[format]);
      }
    },
  });
  gauge('logpipe_queue_depth', 'Batches or events waiting inside the component.', (s) => s.queue_depth);
  gauge('logpipe_lag_bytes', 'Bytes in watched files not yet stored.', (s) => s.lag_bytes);
  gauge(
    'logpipe_checkpoint_age_seconds',
    'Seconds since the collector last wrote its checkpoint.',
    (s) => s.checkpoint_age_s,
  );
  gauge(
    'logpipe_quarantined_files',
    'Store files moved to quarantine (damaged, or not placeable).',
    (s) => s.quarantined_files,
  );
  gauge(
    'logpipe_missing_files',
    'Store data files the catalog expected and that were gone.',
    (s) => s.missing_files,
  );
  gauge('logpipe_restarts', 'Times the supervisor restarted this component.', (s) => s.restarts);
  gauge('logpipe_uptime_seconds', 'Seconds since the component process started.', (s) => s.uptime_s);
  return registry;
}
