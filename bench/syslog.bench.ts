/**
 * Syslog forwarding from Debian's rsyslog and syslog-ng into `logpipe run`, as a user runs them:
 * rsyslogd reads a file of N messages (imfile, from its first line) and forwards them in RFC 5424
 * to a `type: syslog` source, over TCP with octet counting (`omfwd`) and over RELP (`omrelp`,
 * when its package is unpacked); syslog-ng (when installed) reads the same file and forwards it
 * with its `syslog()` destination over TCP; events/s from the daemon's start until every message
 * is queryable. Beside
 * them, in the same invocation, the same messages as rsyslog frames them posted to `/api/ingest`
 * of the same `logpipe run` as plain lines (8,192 a request, two in flight), from the first
 * request until every one is queryable: the same parsing of the same lines, through logpipe's own
 * door. Each case a fresh `logpipe run` and data dir; the cases alternate within each run, after
 * one untimed /api/ingest case (the first `logpipe run` of an invocation was 30 % slower than the
 * rest, whatever it ran), and the table gives medians of the runs (each run's ratio to
 * /api/ingest, then the rates).
 *
 * Knobs: BENCH_SYSLOG_MESSAGES (500,000), BENCH_SYSLOG_RUNS (3), BENCH_SYSLOG_RELP_WINDOW (omrelp's
 * windowSize, 10,000: its default of 128 unanswered messages waits on each commit), and
 * LOGPIPE_RSYSLOG_ROOT (bench/syslog-senders.ts). A sender that is not there has its row skipped.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './peers/figures.js';
import { BenchTimeout, type CliChild, count, sleep, startCli, waitForUrl } from './pipeline-helpers.js';
import { errText, int, writeConfig } from './run-throughput.js';
import {
  locateRsyslog,
  type Rsyslog,
  type SenderRun,
  startRsyslog,
  startSyslogNg,
  syslogNgVersion,
} from './syslog-senders.js';
import type { BenchRow } from './types.js';

const N = Number(process.env.BENCH_SYSLOG_MESSAGES ?? 500_000);
const RUNS = Math.max(1, Number(process.env.BENCH_SYSLOG_RUNS ?? 3));
const RELP_WINDOW = Number(process.env.BENCH_SYSLOG_RELP_WINDOW ?? 10_000);
const PER_REQUEST = 8_192;
const IN_FLIGHT = 2;
const STEP_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 50;

type Kind = 'ingest' | 'omfwd' | 'omrelp' | 'syslog-ng';

const ROUTES = ['/api/cart', '/api/login', '/api/search?q=shoes', '/api/pay', '/', '/api/items/42'];

/** The application's message of line `i` (what the file rsyslog reads holds). */
function message(i: number): string {
  const status = i % 17 === 0 ? 503 : i % 5 === 0 ? 404 : 200;
  const level = status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO';
  return `${level} request ${i % 3 === 0 ? 'POST' : 'GET'} ${ROUTES[i % ROUTES.length]} status=${status} duration_ms=${(i % 900) + 3} user=u-${i % 1000}`;
}

/**
 * Line `i` as rsyslog forwards it with RSYSLOG_SyslogProtocol23Format (facility local0, severity
 * notice for imfile: PRI 133; the tag as APP-NAME; no procid, msgid or structured data).
 */
function framed(i: number, host: string, t0Ms: number): string {
  const stamp = new Date(t0Ms + Math.floor(i / 100)).toISOString().replace('Z', '000+00:00');
  return `<133>1 ${stamp} ${host} bench - - - ${message(i)}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls the count until `n` events are queryable; the time it first saw them. */
async function untilStored(url: string, child: CliChild, n: number, deadline: number): Promise<number> {
  let seen = 0;
  let lastError = '';
  for (;;) {
    try {
      seen = await count(url);
      lastError = '';
    } catch (err) {
      lastError = errText(err);
    }
    if (seen >= n) return performance.now();
    if (child.done())
      throw new Error(`logpipe exited with ${int(seen)} of ${int(n)} stored: ${child.output()}`);
    if (performance.now() > deadline)
      throw new BenchTimeout(`${int(seen)} of ${int(n)} stored${lastError ? ` (${lastError})` : ''}`);
    await sleep(POLL_MS);
  }
}

/** Posts the framed lines to /api/ingest, PER_REQUEST a request, IN_FLIGHT at once. */
async function postAll(url: string, bodies: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(`${url}/api/ingest`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain' },
      });
      if (!res.ok) throw new Error(`/api/ingest answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

interface Case {
  kind: Kind;
  /** Events/s until all queryable. */
  perS: number;
  unknown: number;
}

/** One case: a fresh `logpipe run` with the kind's source, the messages sent, timed until stored. */
async function runCase(
  kind: Kind,
  root: string,
  input: string,
  bodies: string[],
  rs: Rsyslog | undefined,
  ngVersion: string | null,
): Promise<Case> {
  const dir = await mkdtemp(join(root, `${kind}-`));
  const dataDir = join(dir, 'data');
  const config = join(dir, 'logpipe.yaml');
  const port = await freePort();
  const protocol = kind === 'omrelp' ? 'relp' : 'tcp';
  writeConfig(config, {
    data_dir: dataDir,
    server: { port: 0 },
    sources: kind === 'ingest' ? [] : [{ type: 'syslog', protocol, port }],
  });
  const deadline = performance.now() + STEP_TIMEOUT_MS;
  const child = startCli(['run', '--config', config, '--quiet']);
  let sender: SenderRun | undefined;
  try {
    const url = await waitForUrl(dataDir, child, deadline);
    // The listener is up once the API is announced (sources start before it), but give it a beat.
    await sleep(200);
    const t0 = performance.now();
    if (kind === 'ingest') {
      await postAll(url, bodies);
    } else if (kind === 'syslog-ng') {
      sender = startSyslogNg(ngVersion!, join(dir, 'syslog-ng'), input, port);
    } else {
      const action =
        kind === 'omfwd'
          ? `type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" TCP_Framing="octet-counted"`
          : `type="omrelp" target="127.0.0.1" port="${port}" windowSize="${RELP_WINDOW}"`;
      sender = startRsyslog(rs!, join(dir, 'rsyslog'), input, action);
    }
    const t1 = await untilStored(url, child, N, deadline);
    const unknown = await count(url, "format = 'unknown'").catch(() => Number.NaN);
    const stored = await count(url);
    if (stored !== N) throw new Error(`${kind}: ${int(stored)} stored of ${int(N)}`);
    return { kind, perS: N / ((t1 - t0) / 1000), unknown };
  } finally {
    await sender?.stop();
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<BenchRow[]> {
  const located = locateRsyslog();
  const rs = 'missing' in located ? undefined : located;
  const ngVersion = syslogNgVersion();
  const kinds: Kind[] = ['ingest'];
  if (rs === undefined) {
    process.stderr.write(
      `bench: syslog: ${(located as { missing: string }).missing}; run the syslog-daemons e2e test once as root (it unpacks rsyslog with omrelp) or ../shared/peers/install.sh (rsyslog rows skipped)\n`,
    );
  } else {
    kinds.push('omfwd');
    if (rs.relp) kinds.push('omrelp');
    else process.stderr.write('bench: syslog: no omrelp beside rsyslogd (RELP row skipped)\n');
  }
  if (ngVersion !== null) kinds.push('syslog-ng');
  else
    process.stderr.write(
      'bench: syslog: no syslog-ng on the PATH (apt-get install syslog-ng-core; its row skipped)\n',
    );
  if (kinds.length === 1) return [];
  const root = await mkdtemp(join(tmpdir(), 'logpipe-bench-syslog-'));
  try {
    const input = join(root, 'messages.log');
    const lines: string[] = [];
    for (let i = 0; i < N; i++) lines.push(message(i));
    writeFileSync(input, `${lines.join('\n')}\n`);
    const host = hostname();
    const t0Ms = Date.now();
    const bodies: string[] = [];
    for (let i = 0; i < N; i += PER_REQUEST) {
      const chunk: string[] = [];
      for (let k = i; k < Math.min(N, i + PER_REQUEST); k++) chunk.push(framed(k, host, t0Ms));
      bodies.push(chunk.join('\n'));
    }
    const rates = new Map<Kind, number[]>(kinds.map((k) => [k, []]));
    const ratios = new Map<Kind, number[]>(kinds.map((k) => [k, []]));
    const unknown = new Map<Kind, number>();
    await runCase('ingest', root, input, bodies, rs, ngVersion).catch((err) =>
      process.stderr.write(`bench: syslog: the warm-up failed: ${errText(err)}\n`),
    );
    for (let run = 0; run < RUNS; run++) {
      process.stderr.write(`bench: syslog: run ${run + 1} of ${RUNS}\n`);
      const got = new Map<Kind, number>();
      for (const kind of kinds) {
        try {
          const c = await runCase(kind, root, input, bodies, rs, ngVersion);
          got.set(kind, c.perS);
          rates.get(kind)!.push(c.perS);
          unknown.set(kind, Math.max(unknown.get(kind) ?? 0, c.unknown));
          process.stderr.write(`bench: syslog: ${kind} ${int(c.perS)} events/s\n`);
        } catch (err) {
          process.stderr.write(`bench: syslog: ${kind} failed: ${errText(err)}\n`);
        }
      }
      const base = got.get('ingest');
      for (const kind of kinds) {
        const v = got.get(kind);
        if (base !== undefined && v !== undefined) ratios.get(kind)!.push(v / base);
      }
    }
    const note = (kind: Kind) => {
      const rs = rates.get(kind)!;
      const rts = ratios.get(kind)!;
      const spreadText = rs.length > 1 ? ` (runs ${rs.map(int).join(', ')})` : '';
      const u = unknown.get(kind) ?? 0;
      return `${int(N)} messages, median of ${rs.length}${spreadText}${kind === 'ingest' ? '' : `; ${median(rts).toFixed(2)}x /api/ingest`}${u > 0 ? `; ${int(u)} unparsed` : ''}`;
    };
    const name: Record<Kind, string> = {
      ingest: 'syslog lines into /api/ingest of logpipe run',
      omfwd: 'rsyslog omfwd TCP octet-counted RFC 5424 into logpipe run',
      omrelp: `rsyslog omrelp (windowSize ${RELP_WINDOW}) into logpipe run`,
      'syslog-ng': `syslog-ng ${ngVersion} syslog() TCP, flow control, into logpipe run`,
    };
    return kinds
      .filter((k) => rates.get(k)!.length > 0)
      .map((k) => ({ name: name[k], value: median(rates.get(k)!), unit: 'events/s', note: note(k) }));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
