/**
 * Two systems for the real-shaped corpus beside the 28 of `bench/corpus/real-systems.ts`: a Java
 * service logging through log4j (exceptions with `at ...`, `Caused by:` and `... N more`, and now
 * and then a request body of several KiB on one line) and a Python worker (tracebacks). Every
 * line of a stack trace counts as a line.
 */
import type { CorpusSystem, LineOptions } from './real-corpus.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const p2 = (n: number) => String(n).padStart(2, '0');
const p3 = (n: number) => String(n).padStart(3, '0');
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  iso: string;
}

function parts(ms: number): Parts {
  const t = new Date(ms);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
    iso: t.toISOString(),
  };
}

/**
 * A system from an event writer: `event(r, t)` returns one event's lines (a stack trace is
 * several). Event times advance evenly from `fromMs` to `toMs`; the last event is cut to make `n`.
 */
function system(name: string, event: (r: () => number, t: Parts) => string[]): CorpusSystem {
  return {
    name,
    *lines(n: number, o: LineOptions) {
      const r = random(o.seed);
      const step = (o.toMs - o.fromMs) / n;
      let written = 0;
      while (written < n) {
        for (const line of event(r, parts(o.fromMs + Math.floor(written * step)))) {
          if (written === n) break;
          yield line;
          written++;
        }
      }
    },
  };
}

const WORDS = ['cache', 'session', 'upstream', 'checkpoint', 'replica', 'token', 'índice', 'ファイル'];
const USERS = ['root', 'deploy', 'jürgen', 'ñandú', '管理员'];

/** A JSON request body of a few KiB, as services log on a failed call. */
function body(r: () => number): string {
  const items = Array.from({ length: 20 + Math.floor(r() * 60) }, (_, i) => ({
    sku: `SKU-${Math.floor(r() * 1e6)}`,
    qty: 1 + Math.floor(r() * 5),
    note: i % 7 === 0 ? `für ${pick(r, USERS)}` : pick(r, WORDS),
  }));
  return JSON.stringify({ customer: pick(r, USERS), items });
}

export const STACK_TRACE_SYSTEMS: CorpusSystem[] = [
  system('java_log4j_traces', (r, t) => {
    const stamp = `${t.y}-${p2(t.mo)}-${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)},${p3(t.ms)}`;
    const level = pick(r, ['INFO', 'INFO', 'INFO', 'INFO', 'WARN', 'DEBUG', 'ERROR']);
    const thread = pick(r, ['main', 'pool-3-thread-7', 'kafka-producer-network-thread | producer-1']);
    const cls = pick(r, ['org.apache.kafka.clients.NetworkClient', 'com.example.orders.OrderService']);
    const id = Math.floor(r() * 1e6);
    if (level !== 'ERROR')
      return [`${stamp} ${level} [${thread}] ${cls} - ${pick(r, WORDS)} state updated id=${id}`];
    const head = `${stamp} ERROR [${thread}] ${cls} - order ${id} failed${r() < 0.3 ? `, request body: ${body(r)}` : ''}`;
    return [
      head,
      'java.lang.IllegalStateException: Connection pool exhausted',
      '\tat com.example.orders.OrderService.place(OrderService.java:214)',
      '\tat com.example.orders.OrderController.post(OrderController.java:88)',
      '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)',
      '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
      'Caused by: java.net.SocketTimeoutException: Read timed out',
      '\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
      '\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)',
      '\t... 4 more',
    ];
  }),
  system('python_traces', (r, t) => {
    const stamp = `${t.y}-${p2(t.mo)}-${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)},${p3(t.ms)}`;
    const level = pick(r, ['INFO', 'INFO', 'INFO', 'WARNING', 'DEBUG', 'ERROR']);
    const logger = pick(r, ['app.worker', 'celery.worker.strategy', 'urllib3.connectionpool']);
    if (level !== 'ERROR')
      return [`${stamp} ${level} ${logger}: task ${Math.floor(r() * 1e6)} ${pick(r, WORDS)} done ✓`];
    return [
      `${stamp} ERROR ${logger}: task failed for user ${pick(r, USERS)}`,
      'Traceback (most recent call last):',
      '  File "/srv/app/worker.py", line 118, in run',
      '    result = handler(payload)',
      '  File "/srv/app/handlers/export.py", line 42, in handler',
      "    rows = fetch(payload['query'])",
      "KeyError: 'query'",
    ];
  }),
];
