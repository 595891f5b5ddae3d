/**
 * Other agents' protocols: records/s posted to `POST /v1/logs` (OTLP protobuf, protobuf+gzip,
 * JSON), `POST /loki/api/v1/push` (snappy protobuf, JSON; each line parsed) and `POST /_bulk`
 * (Elasticsearch bulk NDJSON of ECS documents, plain and gzip, as Filebeat sends) of a store's HTTP
 * API, beside the same events as logpipe's own NDJSON events on `/api/ingest`, in one run,
 * each into a fresh on-disk store. Every request is answered once the store committed it, two
 * requests in flight, as an OpenTelemetry Collector's exporter sends them. Bodies are encoded
 * before the clock starts: the figure is the receiver's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import type { LogEvent } from '../src/core/events.js';
import { encodeLogEvent, streamHeader } from '../src/core/ndjson.js';
import { createApp } from '../src/server/app.js';
import { pushRequestType } from '../src/server/loki/push-schema.js';
import { otlpTypes } from '../src/server/otlp/logs-schema.js';
import { serveApp } from '../src/server/serve.js';
import { openDuckDbStore } from '../src/storage/duckdb/index.js';
import type { BenchRow } from './types.js';

const N = Number(process.env.BENCH_OTLP_RECORDS ?? 200_000);
// Loki pushes are 1 MB-ish snappy bodies in practice (Promtail's batch size): 8,192 lines fit.
/** Records per request: the Collector's batch processor sends 8,192 by default. */
const PER_REQUEST = Number(process.env.BENCH_OTLP_BATCH ?? 8_192);
const IN_FLIGHT = 2;
/** Which protocols to run beside /api/ingest (comma-separated kinds; all by default). */
const KINDS = process.env.BENCH_OTLP_KINDS?.split(',');
/**
 * The API's decode workers for agents' bodies (AppOptions.agentWorkers), comma-separated to run
 * each OTLP kind once per count (`0,1`: on the HTTP thread, then on one worker); the API's
 * default when unset.
 */
const WORKERS = process.env.BENCH_OTLP_WORKERS?.split(',').map(Number) ?? [undefined];

const SERVICES = ['checkout', 'cart', 'auth', 'search', 'payments', 'web'];
const ROUTES = ['/api/cart', '/api/login', '/api/search?q=shoes', '/api/pay', '/', '/api/items/{id}'];
const T0_NS = BigInt(Date.UTC(2026, 11, 1)) * 1_000_000n;

interface Rec {
  service: string;
  host: string;
  tNs: bigint;
  severity: number;
  text: string;
  body: string;
  attrs: [string, string | number][];
}

function records(n: number): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const status = i % 17 === 0 ? 503 : i % 5 === 0 ? 404 : 200;
    const route = ROUTES[i % ROUTES.length];
    out.push({
      service: SERVICES[i % SERVICES.length],
      host: `node-${i % 7}`,
      tNs: T0_NS + BigInt(i) * 18_000_000n, // an hour per 200,000 records
      severity: status >= 500 ? 17 : status >= 400 ? 13 : 9,
      text: status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO',
      body: `${status >= 500 ? 'upstream timed out' : 'request served'} ${route} in ${(i % 900) + 3} ms for user u-${i % 1000}`,
      attrs: [
        ['http.request.method', i % 3 === 0 ? 'POST' : 'GET'],
        ['http.route', route],
        ['http.response.status_code', status],
        ['user.id', `u-${i % 1000}`],
      ],
    });
  }
  return out;
}

/** One request as an exporter sends it: a resource per service and host, its records under one scope. */
function otlpRequest(recs: Rec[]): Record<string, unknown> {
  const byResource = new Map<string, Rec[]>();
  for (const r of recs) {
    const key = `${r.service}\0${r.host}`;
    const list = byResource.get(key);
    if (list === undefined) byResource.set(key, [r]);
    else list.push(r);
  }
  return {
    resourceLogs: [...byResource.values()].map((list) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: list[0].service } },
          { key: 'host.name', value: { stringValue: list[0].host } },
        ],
      },
      scopeLogs: [
        {
          scope: { name: 'bench', version: '1.0.0' },
          logRecords: list.map((r) => ({
            timeUnixNano: r.tNs.toString(),
            severityNumber: r.severity,
            severityText: r.text,
            body: { stringValue: r.body },
            attributes: r.attrs.map(([key, v]) => ({
              key,
              value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
            })),
          })),
        },
      ],
    })),
  };
}

/** One push as Promtail sends it: a stream per service and host, its entries' lines as logged. */
function lokiRequest(recs: Rec[]): { json: unknown; protobuf: Record<string, unknown> } {
  const byStream = new Map<string, Rec[]>();
  for (const r of recs) {
    const key = `{service_name="${r.service}", host="${r.host}"}`;
    const list = byStream.get(key);
    if (list === undefined) byStream.set(key, [r]);
    else list.push(r);
  }
  const line = (r: Rec) => `${r.text} ${r.body} method=${r.attrs[0][1]} status=${r.attrs[2][1]}`;
  return {
    json: {
      streams: [...byStream.values()].map((list) => ({
        stream: { service_name: list[0].service, host: list[0].host },
        values: list.map((r) => [r.tNs.toString(), line(r)]),
      })),
    },
    protobuf: {
      streams: [...byStream].map(([labels, list]) => ({
        labels,
        entries: list.map((r) => ({
          timestamp: { seconds: Number(r.tNs / 1_000_000_000n), nanos: Number(r.tNs % 1_000_000_000n) },
          line: line(r),
        })),
      })),
    },
  };
}

/** One bulk request as Filebeat sends it: a `create` into its data stream and an ECS document each. */
function elasticRequest(recs: Rec[]): string {
  const action = JSON.stringify({ create: { _index: 'logs-bench-default' } });
  const lines: string[] = [];
  for (const r of recs) {
    const doc: Record<string, unknown> = {
      '@timestamp': new Date(Number(r.tNs / 1_000_000n)).toISOString(),
      log: { level: r.text.toLowerCase() },
      message: r.body,
      service: { name: r.service },
      host: { name: r.host },
    };
    for (const [key, v] of r.attrs) {
      // Nested, as agents send ECS objects.
      const path = key.split('.');
      let o = doc;
      for (let i = 0; i < path.length - 1; i++) o = (o[path[i]] ??= {}) as Record<string, unknown>;
      o[path[path.length - 1]] = v;
    }
    lines.push(action, JSON.stringify(doc));
  }
  return `${lines.join('\n')}\n`;
}

function logEvent(r: Rec, offset: number, generation: string): LogEvent {
  return {
    ts: Number(r.tNs / 1000n),
    level: r.severity >= 17 ? 'error' : r.severity >= 13 ? 'warn' : 'info',
    service: r.service,
    host: r.host,
    source: 'bench',
    generation,
    offset,
    format: 'json',
    message: r.body,
    fields: Object.fromEntries(r.attrs),
    raw: r.body,
  };
}

interface Body {
  bytes: Buffer;
  headers: Record<string, string>;
}

function bodies(kind: string, recs: Rec[]): { path: string; list: Body[] } {
  const list: Body[] = [];
  const { request } = otlpTypes();
  for (let i = 0; i < recs.length; i += PER_REQUEST) {
    const chunk = recs.slice(i, i + PER_REQUEST);
    if (kind === 'ingest') {
      // A generation per request: two requests in flight with one identity may commit out of
      // order, and the store would take the later-committed one's events for re-sent ones.
      const text = [
        streamHeader('log-events'),
        ...chunk.map((r, k) => encodeLogEvent(logEvent(r, k, `g${i}`))),
      ].join('\n');
      list.push({ bytes: Buffer.from(text), headers: { 'content-type': 'application/x-ndjson' } });
      continue;
    }
    if (kind.startsWith('elastic')) {
      const text = elasticRequest(chunk);
      const headers = { 'content-type': 'application/x-ndjson' };
      if (kind === 'elastic') list.push({ bytes: Buffer.from(text), headers });
      else list.push({ bytes: gzipSync(text), headers: { ...headers, 'content-encoding': 'gzip' } });
      continue;
    }
    if (kind.startsWith('loki')) {
      const push = lokiRequest(chunk);
      if (kind === 'loki-json') {
        list.push({
          bytes: Buffer.from(JSON.stringify(push.json)),
          headers: { 'content-type': 'application/json' },
        });
      } else {
        const type = pushRequestType();
        const pb = type.encode(type.fromObject(push.protobuf)).finish();
        list.push({
          bytes: Buffer.from(snappy.compress(pb)),
          headers: { 'content-type': 'application/x-protobuf' },
        });
      }
      continue;
    }
    const msg = otlpRequest(chunk);
    if (kind === 'json') {
      list.push({ bytes: Buffer.from(JSON.stringify(msg)), headers: { 'content-type': 'application/json' } });
      continue;
    }
    const pb = Buffer.from(request.encode(request.fromObject(msg)).finish());
    if (kind === 'protobuf') list.push({ bytes: pb, headers: { 'content-type': 'application/x-protobuf' } });
    else {
      list.push({
        bytes: gzipSync(pb),
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      });
    }
  }
  const path =
    kind === 'ingest'
      ? '/api/ingest'
      : kind.startsWith('loki')
        ? '/loki/api/v1/push'
        : kind.startsWith('elastic')
          ? '/_bulk'
          : '/v1/logs';
  return { path, list };
}

/** Records/s into a fresh store through `path`, CPU seconds of this process beside. */
async function run(
  kind: string,
  recs: Rec[],
  agentWorkers?: number,
): Promise<{ perS: number; cpuS: number }> {
  const { path, list } = bodies(kind, recs);
  const dir = mkdtempSync(join(tmpdir(), 'logpipe-bench-otlp-'));
  const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
  const served = await serveApp(
    createApp({ store, maxBodyBytes: 256 * 1024 * 1024, agentWorkers }),
    '127.0.0.1',
    0,
    'bench',
  );
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const b = list[next++];
        const res = await fetch(`${served.url}${path}`, {
          method: 'POST',
          body: b.bytes,
          headers: b.headers,
        });
        if (res.status !== 200 && res.status !== 204)
          throw new Error(`${kind}: ${res.status} ${await res.text()}`);
        const answer = await res.arrayBuffer();
        // A bulk answer is 200 whatever its items say.
        if (kind.startsWith('elastic') && Buffer.from(answer).subarray(0, 40).includes('"errors":true'))
          throw new Error(`${kind}: items failed: ${Buffer.from(answer).subarray(0, 600)}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // Counted as a user counts them, through the query API.
    const q = new URLSearchParams({ q: '* | count', from: '2000-01-01' });
    const counted = (await (await fetch(`${served.url}/api/query?${q}`)).json()) as {
      rows: { count: number }[];
    };
    const stored = Number(counted.rows[0]?.count);
    if (stored !== recs.length) {
      const st = await store.stats();
      throw new Error(
        `${kind}: stored ${stored} of ${recs.length} (stats: ${st.rows} rows, ${st.active_rows} active)`,
      );
    }
    return { perS: recs.length / s, cpuS: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await served.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<BenchRow[]> {
  const recs = records(N);
  const note = `${N.toLocaleString('en-US')} records, ${PER_REQUEST} a request, ${IN_FLIGHT} in flight`;
  const rows: BenchRow[] = [];
  await run('ingest', recs.slice(0, 2 * PER_REQUEST));
  const ingest = await run('ingest', recs);
  rows.push({ name: 'ingest /api/ingest NDJSON events', value: ingest.perS, unit: 'events/s', note });
  for (const kind of [
    'protobuf',
    'protobuf-gzip',
    'json',
    'loki-protobuf',
    'loki-json',
    'elastic',
    'elastic-gzip',
  ].filter((k) => KINDS === undefined || KINDS.includes(k))) {
    const otlp = !kind.startsWith('loki') && !kind.startsWith('elastic');
    for (const workers of otlp ? WORKERS : [undefined]) {
      // Untimed first: a worker thread starts cold (its modules loaded, its code not yet compiled),
      // as this thread did before the first run; a server pays that once.
      await run(kind, recs.slice(0, 2 * PER_REQUEST), workers);
      const r = await run(kind, recs, workers);
      const per100k = (r.cpuS * 100_000) / recs.length;
      rows.push({
        name: kind.startsWith('loki')
          ? `ingest Loki ${kind.slice(5)}`
          : kind.startsWith('elastic')
            ? `ingest Elasticsearch bulk${kind === 'elastic' ? '' : ' gzip'}`
            : `ingest OTLP ${kind}${workers === undefined ? '' : `, ${workers} decode workers`}`,
        value: r.perS,
        unit: 'records/s',
        goal: kind === 'protobuf' ? '>= 150,000' : undefined,
        note: `${(r.perS / ingest.perS).toFixed(2)}x /api/ingest; ${per100k.toFixed(2)} CPU s per 100,000 (NDJSON ${((ingest.cpuS * 100_000) / recs.length).toFixed(2)})`,
      });
    }
  }
  return rows;
}
