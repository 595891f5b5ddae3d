/**
 * Six real-shaped systems written by hand (syslog without a year, log4j with stack traces, nginx
 * error, Docker JSON, PostgreSQL with long statements, health-app compact times), for the
 * real-shaped corpus until `bench/corpus/real-systems.ts` supplies its twenty-odd systems.
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
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

const HOSTS = ['web-01', 'db-02', 'edge-eu-3', 'worker-11'];
const USERS = ['root', 'admin', 'deploy', 'jürgen', 'ñandú', '管理员'];
const WORDS = ['cache', 'session', 'upstream', 'checkpoint', 'replica', 'token', 'índice', 'ファイル'];

export const PLACEHOLDER_SYSTEMS: CorpusSystem[] = [
  system('linux-auth', (r, t) => {
    const stamp = `${MONTHS[t.mo - 1]} ${String(t.d).padStart(2, ' ')} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`;
    const pid = 1000 + Math.floor(r() * 60000);
    const ip = `${1 + Math.floor(r() * 223)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`;
    const user = pick(r, USERS);
    const msg = pick(r, [
      `Failed password for invalid user ${user} from ${ip} port ${1024 + Math.floor(r() * 60000)} ssh2`,
      `Accepted publickey for ${user} from ${ip} port ${1024 + Math.floor(r() * 60000)} ssh2: ED25519 SHA256:q1w2e3r4t5y6u7i8o9p0`,
      `pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`,
      `error: kex_exchange_identification: Connection closed by remote host`,
    ]);
    return [`${stamp} ${pick(r, HOSTS)} sshd[${pid}]: ${msg}`];
  }),
  system('java-log4j', (r, t) => {
    const stamp = `${t.y}-${p2(t.mo)}-${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)},${p3(t.ms)}`;
    const level = pick(r, ['INFO', 'INFO', 'INFO', 'WARN', 'DEBUG', 'ERROR']);
    const thread = pick(r, ['main', 'pool-3-thread-7', 'kafka-producer-network-thread | producer-1']);
    const cls = pick(r, ['org.apache.kafka.clients.NetworkClient', 'com.example.orders.OrderService']);
    const head = `${stamp} ${level} [${thread}] ${cls} - ${pick(r, WORDS)} ${level === 'ERROR' ? 'request failed' : 'state updated'} id=${Math.floor(r() * 1e6)}`;
    if (level !== 'ERROR') return [head];
    return [
      head,
      'java.lang.IllegalStateException: Connection pool exhausted',
      '\tat com.example.orders.OrderService.place(OrderService.java:214)',
      '\tat com.example.orders.OrderController.post(OrderController.java:88)',
      '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
      'Caused by: java.net.SocketTimeoutException: Read timed out',
      '\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
      '\t... 3 more',
    ];
  }),
  system('nginx-error', (r, t) => {
    const stamp = `${t.y}/${p2(t.mo)}/${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`;
    const level = pick(r, ['error', 'warn', 'crit', 'notice']);
    const path = `/api/v${1 + Math.floor(r() * 2)}/${pick(r, WORDS)}/${Math.floor(r() * 1e5)}`;
    return [
      `${stamp} [${level}] ${1000 + Math.floor(r() * 9000)}#0: *${Math.floor(r() * 1e6)} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}, server: shop.example.com, request: "GET ${path} HTTP/1.1", upstream: "http://127.0.0.1:8080${path}", host: "shop.example.com"`,
    ];
  }),
  system('docker-json', (r, t) => {
    const stream = r() < 0.2 ? 'stderr' : 'stdout';
    const msg = `${pick(r, ['GET', 'POST'])} /healthz ${pick(r, [200, 200, 503])} ${(r() * 40).toFixed(1)}ms user=${pick(r, USERS)} ✓`;
    return [
      `{"log":${JSON.stringify(`${msg}\n`)},"stream":"${stream}","time":"${t.iso.slice(0, -1)}${p3(Math.floor(r() * 1000))}${p3(Math.floor(r() * 1000))}Z"}`,
    ];
  }),
  system('postgresql', (r, t) => {
    const stamp = `${t.y}-${p2(t.mo)}-${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}.${p3(t.ms)} UTC`;
    const pid = 100 + Math.floor(r() * 30000);
    const cols = Array.from({ length: 4 + Math.floor(r() * 40) }, (_, i) => `c${i}_${pick(r, WORDS)}`).join(
      ', ',
    );
    return pick(r, [
      [
        `${stamp} [${pid}] LOG:  duration: ${(r() * 900).toFixed(3)} ms  statement: SELECT ${cols} FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > now() - interval '7 days' ORDER BY o.created_at DESC LIMIT 100`,
      ],
      [
        `${stamp} [${pid}] ERROR:  duplicate key value violates unique constraint "orders_pkey"`,
        `${stamp} [${pid}] DETAIL:  Key (id)=(${Math.floor(r() * 1e6)}) already exists.`,
      ],
      [
        `${stamp} [${pid}] WARNING:  could not open statistics file "pg_stat_tmp/global.stat": Operation not permitted`,
      ],
      [`${stamp} [${pid}] FATAL:  password authentication failed for user "${pick(r, USERS)}"`],
    ]);
  }),
  system('health-app', (r, t) => {
    const stamp = `${t.y}${p2(t.mo)}${p2(t.d)}-${t.h}:${t.mi}:${t.s}:${t.ms}`;
    const comp = pick(r, ['Step_LSC', 'Step_SPUtils', 'Step_StandReportReceiver', 'HiH_HiSyncUtil']);
    return [
      `${stamp}|${comp}|${30002312 + Math.floor(r() * 20)}|${pick(r, ['onExtend:', 'flush sensor data', 'getTodayTotalDetailSteps =', 'processHandleBroadcastAction action:'])}${Math.floor(r() * 100000)}`,
    ];
  }),
];
