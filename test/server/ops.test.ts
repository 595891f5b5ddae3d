import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import { encodeRawEvent, streamHeader } from '../../src/core/ndjson.js';
import { createApp } from '../../src/server/app.js';
import {
  addOpsRoutes,
  type ComponentCounters,
  type ComponentStatus,
  newCounters,
} from '../../src/server/ops.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

function counters(component: string, over: Partial<ComponentCounters> = {}): ComponentCounters {
  return { ...newCounters(component), ...over };
}

async function statusOf(app: Hono): Promise<ComponentStatus[]> {
  const res = await app.request('/status');
  expect(res.status).toBe(200);
  return ((await res.json()) as { components: ComponentStatus[] }).components;
}

const stops: (() => void)[] = [];
function opsApp(list: () => ComponentCounters[]): Hono {
  const app = new Hono();
  stops.push(addOpsRoutes(app, { counters: list }).stop);
  return app;
}

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('ops routes', () => {
  it('answers /healthz', async () => {
    const app = opsApp(() => [counters('x')]);
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports each component in /status with its counters, pid, uptime and restarts', async () => {
    vi.stubEnv('LOGPIPE_RESTARTS', '3');
    const a = counters('parser', { events_in: 7, errors: 1, last_error: 'boom' });
    const b = counters('collector', { lag_bytes: 10, checkpoint_age_s: null });
    const app = opsApp(() => [a, b]);
    const list = await statusOf(app);
    expect(list.map((s) => s.component)).toEqual(['parser', 'collector']);
    for (const s of list) {
      expect(s.pid).toBe(process.pid);
      expect(s.restarts).toBe(3);
      expect(s.uptime_s).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(Date.parse(s.started_at))).toBe(false);
    }
    expect(list[0]).toMatchObject({ events_in: 7, errors: 1, last_error: 'boom', in_per_s: 0, out_per_s: 0 });
    expect(list[1]).toMatchObject({ lag_bytes: 10, checkpoint_age_s: null });
  });

  it('reads restarts as 0 when LOGPIPE_RESTARTS is unset or not a number', async () => {
    vi.stubEnv('LOGPIPE_RESTARTS', 'many');
    expect((await statusOf(opsApp(() => [counters('x')])))[0].restarts).toBe(0);
    delete process.env.LOGPIPE_RESTARTS;
    expect((await statusOf(opsApp(() => [counters('x')])))[0].restarts).toBe(0);
  });

  it('computes events per second in and out over the last few seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const c = counters('x');
    const app = opsApp(() => [c]);
    // 100 events in and 40 out every second, sampled once a second.
    for (let i = 0; i < 8; i++) {
      c.events_in += 100;
      c.events_out += 40;
      vi.advanceTimersByTime(1000);
    }
    let [s] = await statusOf(app);
    expect(s.in_per_s).toBe(100);
    expect(s.out_per_s).toBe(40);
    expect(s.uptime_s).toBe(8);
    // Nothing new for longer than the window: the rate falls to 0, the totals stay.
    vi.advanceTimersByTime(7000);
    [s] = await statusOf(app);
    expect(s.in_per_s).toBe(0);
    expect(s.out_per_s).toBe(0);
    expect(s.events_in).toBe(800);
  });

  it('serves Prometheus text on /metrics: one series per component and counter', async () => {
    const app = opsApp(() => [
      counters('x', {
        events_in: 42,
        events_out: 40,
        bytes_in: 1000,
        errors: 2,
        queue_depth: 3,
        lag_bytes: 512,
      }),
      counters('y', { events_in: 5 }),
    ]);
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const lines = text.split('\n');
    expect(lines).toContain('# TYPE logpipe_events_in_total counter');
    expect(lines).toContain('logpipe_events_in_total{component="x"} 42');
    expect(lines).toContain('logpipe_events_in_total{component="y"} 5');
    expect(lines).toContain('logpipe_events_out_total{component="x"} 40');
    expect(lines).toContain('logpipe_bytes_in_total{component="x"} 1000');
    expect(lines).toContain('logpipe_errors_total{component="x"} 2');
    expect(lines).toContain('# TYPE logpipe_queue_depth gauge');
    expect(lines).toContain('logpipe_queue_depth{component="x"} 3');
    expect(lines).toContain('logpipe_queue_depth{component="y"} 0');
    // Lag only for the component that knows it.
    expect(lines).toContain('logpipe_lag_bytes{component="x"} 512');
    expect(lines.filter((l) => l.startsWith('logpipe_lag_bytes{'))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith('logpipe_checkpoint_age_seconds{'))).toBe(false);
    // Process defaults, with the logpipe_ prefix.
    expect(lines.some((l) => /^logpipe_process_resident_memory_bytes \d/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('logpipe_process_cpu_seconds_total'))).toBe(true);
  });

  it('reports counters as they are at each scrape, never summed across scrapes', async () => {
    const c = counters('x', { events_in: 10 });
    const app = opsApp(() => [c]);
    await app.request('/metrics');
    c.events_in = 25;
    const text = await (await app.request('/metrics')).text();
    expect(text.split('\n')).toContain('logpipe_events_in_total{component="x"} 25');
  });

  it('omits lag_bytes when no component knows it', async () => {
    const app = opsApp(() => [counters('x', { checkpoint_age_s: 4 })]);
    const lines = (await (await app.request('/metrics')).text()).split('\n');
    expect(lines.some((l) => l.startsWith('logpipe_lag_bytes{'))).toBe(false);
    expect(lines).toContain('logpipe_checkpoint_age_seconds{component="x"} 4');
  });
});

describe('store API ops routes', () => {
  function raw(generation: string, offset: number, line: string): RawEvent {
    return { source: '/var/log/web.log', generation, offset, line, received_at: Date.UTC(2026, 0, 2) };
  }
  function rawStream(events: RawEvent[]): string {
    return `${[streamHeader('raw-events'), ...events.map(encodeRawEvent)].join('\n')}\n`;
  }
  const LINES = [
    '127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8"',
    '127.0.0.1 - - [10/Oct/2026:13:55:37 +0000] "GET /b HTTP/1.1" 503 12 "-" "curl/8"',
    '127.0.0.1 - - [10/Oct/2026:13:55:38 +0000] "GET /c HTTP/1.1" 404 14 "-" "curl/8"',
  ];

  async function setup(token?: string) {
    const store = await openDuckDbStore({ path: ':memory:' });
    const app = createApp({ store, token });
    return { store, app };
  }

  it('counts ingested events in /status and /metrics', async () => {
    const { app, store } = await setup();
    try {
      const body = rawStream(LINES.map((l, i) => raw('fp1', i * 100, l)));
      let res = await app.request('/api/ingest', { method: 'POST', body });
      expect(await res.json()).toEqual({ stored: 3, duplicates: 0 });
      // Sent again: received again, stored no more.
      res = await app.request('/api/ingest', { method: 'POST', body });
      expect(await res.json()).toEqual({ stored: 0, duplicates: 3 });
      const [s] = await statusOf(app);
      expect(s).toMatchObject({
        component: 'store',
        events_in: 6,
        events_out: 3,
        bytes_in: Buffer.byteLength(body) * 2,
        errors: 0,
        queue_depth: 0,
      });
      const text = await (await app.request('/metrics')).text();
      expect(text.split('\n')).toContain('logpipe_events_out_total{component="store"} 3');
    } finally {
      await store.close();
    }
  });

  it('counts events given their read time by format in /metrics, whatever the body', async () => {
    const { app, store } = await setup();
    try {
      // Plain lines: one without a time, one with.
      let res = await app.request('/api/ingest', {
        method: 'POST',
        body: 'no time in this line\n2026-11-27 12:00:00 INFO started\n',
      });
      expect(res.status).toBe(200);
      // Raw events: one more without a time.
      res = await app.request('/api/ingest', {
        method: 'POST',
        body: rawStream([raw('fp2', 0, 'neither in this one')]),
      });
      expect(res.status).toBe(200);
      const [s] = await statusOf(app);
      expect(s.time_received).toEqual({ unknown: 2 });
      const text = await (await app.request('/metrics')).text();
      expect(text.split('\n')).toContain(
        'logpipe_events_time_received_total{component="store",format="unknown"} 2',
      );
    } finally {
      await store.close();
    }
  });

  it('counts a rejected request as an error with its message', async () => {
    const { app, store } = await setup();
    try {
      const res = await app.request('/api/ingest', {
        method: 'POST',
        body: `${streamHeader('raw-events')}\n{oops\n`,
      });
      expect(res.status).toBe(400);
      const [s] = await statusOf(app);
      expect(s).toMatchObject({ errors: 1, queue_depth: 0, events_in: 0 });
      expect(s.last_error).toMatch(/^line 2: /);
    } finally {
      await store.close();
    }
  });

  it('answers /api/committed with the last stored line of each source holding a fingerprint', async () => {
    const { app, store } = await setup();
    try {
      await app.request('/api/ingest', {
        method: 'POST',
        body: rawStream([
          ...LINES.map((l, i) => raw('fp1', i * 100, l)),
          // The same content continued in a later generation of that fingerprint ...
          { ...raw('fp1-1', 0, LINES[0]), source: '/var/log/web.log.1' },
          // ... and other content whose fingerprint merely starts alike.
          raw('fp10', 0, LINES[1]),
        ]),
      });
      const res = await app.request('/api/committed?fingerprint=fp1');
      expect(res.status).toBe(200);
      const { positions } = (await res.json()) as {
        positions: { source: string; generation: string; offset: number; raw: string }[];
      };
      expect(positions.sort((a, b) => a.generation.localeCompare(b.generation))).toEqual([
        { source: '/var/log/web.log', generation: 'fp1', offset: 200, raw: LINES[2] },
        { source: '/var/log/web.log.1', generation: 'fp1-1', offset: 0, raw: LINES[0] },
      ]);
      const none = await app.request('/api/committed?fingerprint=unknown');
      expect(await none.json()).toEqual({ positions: [] });
    } finally {
      await store.close();
    }
  });

  it('refuses /api/committed without a fingerprint', async () => {
    const { app, store } = await setup();
    try {
      const res = await app.request('/api/committed');
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { type: 'request', message: 'fingerprint is required' } });
    } finally {
      await store.close();
    }
  });

  it('requires the token on /api/committed but not on the ops routes', async () => {
    const { app, store } = await setup('s3cret');
    try {
      expect((await app.request('/api/committed?fingerprint=fp1')).status).toBe(401);
      const ok = await app.request('/api/committed?fingerprint=fp1', {
        headers: { authorization: 'Bearer s3cret' },
      });
      expect(ok.status).toBe(200);
      expect((await app.request('/healthz')).status).toBe(200);
      expect((await app.request('/status')).status).toBe(200);
      expect((await app.request('/metrics')).status).toBe(200);
    } finally {
      await store.close();
    }
  });
});
