/**
 * Syslog forwarding from the real daemons, Debian's rsyslog (omrelp, and omfwd with octet-counted
 * RFC 5424 over TCP) and syslog-ng (its `syslog()` destination), into `logpipe run`, which is
 * restarted in the middle of the stream. Each daemon tails a file of 20,000 numbered lines, half
 * written before and half while logpipe restarts; a query then counts every line. What each
 * case must show is what docs/ingest.md promises: RELP through a graceful restart, every line
 * exactly once; through a kill -9, every line at least once, the duplicates counted; plain TCP
 * through a graceful restart, every line exactly once with these two senders.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { killAll, type Proc, startLogpipe } from '../helpers/processes.js';
import {
  type Daemon,
  ensureRsyslog,
  ensureSyslogNg,
  type Rsyslog,
  startDaemon,
  stopAll,
} from '../helpers/syslog-daemons.js';
import { waitFor } from '../helpers/wait.js';

const LINES = 20_000;
/** Lines written before the daemon starts; the rest stream in while logpipe restarts. */
const FIRST = 10_000;
/** Lines a second while streaming (the rest take 2.5 s). */
const RATE = 4000;

/** Data dirs of the tests, so that what a `logpipe up` left running is killed too. */
const dataDirs: string[] = [];
afterEach(() => killAll(dataDirs.splice(0)));
afterAll(() => stopAll());

const line = (n: number) => `line ${String(n).padStart(6, '0')}`;

/** Appends lines `from..to` to `file` at RATE lines a second. */
async function writeLines(file: string, from: number, to: number): Promise<void> {
  const perTick = RATE / 20;
  for (let n = from; n <= to; n += perTick) {
    const upTo = Math.min(to, n + perTick - 1);
    const lines: string[] = [];
    for (let k = n; k <= upTo; k++) lines.push(line(k));
    appendFileSync(file, `${lines.join('\n')}\n`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Harness {
  dir: string;
  input: string;
  port: number;
  url: string;
  start: () => Promise<Proc>;
}

/**
 * A data dir, a config with one listener (`protocol`) on a free port, and `logpipe run` (or
 * `logpipe up`, whose collector process holds the listener) over it.
 */
async function harness(protocol: 'tcp' | 'relp', command: 'run' | 'up' = 'run'): Promise<Harness> {
  const dir = tempDir('logpipe-syslogd-');
  dataDirs.push(join(dir, 'data'));
  const port = await freePort();
  const apiPort = await freePort();
  const config = join(dir, 'logpipe.yaml');
  writeFileSync(
    config,
    [
      `data_dir: ${join(dir, 'data')}`,
      `server: { port: ${apiPort} }`,
      'sources:',
      `  - { type: syslog, protocol: ${protocol}, port: ${port} }`,
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${apiPort}`;
  const input = join(dir, 'in.log');
  const start = async () => {
    const p = startLogpipe([command, '--config', config]);
    await waitFor(
      `logpipe ${command}`,
      async () => {
        if (p.child.exitCode !== null) throw new Error(p.output());
        return (await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined;
      },
      30_000,
    );
    return p;
  };
  return { dir, input, port, url, start };
}

/** How many times the store holds each message. */
async function counts(url: string): Promise<Map<string, number>> {
  const q = new URLSearchParams({
    q: '* | stats count by message',
    from: new Date(Date.now() - 3_600_000).toISOString(),
    limit: '1000000',
  });
  const res = await fetch(`${url}/api/query?${q}`);
  if (!res.ok) throw new Error(`query answered ${res.status}: ${await res.text()}`);
  const rows = ((await res.json()) as { rows: { message: string; count: number }[] }).rows;
  return new Map(rows.map((r) => [r.message, Number(r.count)]));
}

interface Tally {
  missing: number[];
  duplicated: number;
  stored: number;
}

/**
 * Waits until every line is stored (or `ms` pass), then until the count has held still for a
 * second (a late re-sent duplicate would show), and tallies the lines missing and stored twice.
 * Where lines may be lost (`lossy`), it stops once the count has held still for 5 s.
 */
async function tally(url: string, ms: number, lossy = false): Promise<Tally> {
  const deadline = Date.now() + ms;
  let last = -1;
  let stillSince = Date.now();
  for (;;) {
    const c = await counts(url).catch(() => new Map<string, number>());
    let total = 0;
    for (const n of c.values()) total += n;
    if (total !== last) {
      last = total;
      stillSince = Date.now();
    }
    const complete = c.size >= LINES;
    const still = Date.now() - stillSince;
    if ((complete && still >= 1000) || (lossy && still >= 5000) || Date.now() > deadline) {
      const missing: number[] = [];
      let duplicated = 0;
      for (let n = 1; n <= LINES; n++) {
        const k = c.get(line(n)) ?? 0;
        if (k === 0) missing.push(n);
        if (k > 1) duplicated += k - 1;
      }
      return { missing, duplicated, stored: total };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Runs the stream: FIRST lines, the daemon started, the rest written while logpipe is stopped
 * (`how`) and started again on the same data dir.
 */
async function restartMidStream(
  h: Harness,
  startSender: () => Daemon,
  how: 'SIGTERM' | 'SIGKILL',
  lossy = false,
): Promise<{ tally: Tally; sender: Daemon; logs: () => string }> {
  let run = await h.start();
  const outputs: Array<() => string> = [run.output];
  writeFileSync(h.input, '');
  await writeLines(h.input, 1, FIRST);
  const sender = startSender();
  // Some of the first half through, then the rest streams while logpipe stops and starts.
  await waitFor('the first lines stored', async () =>
    (await counts(h.url)).size >= 2000 ? true : undefined,
  );
  const writing = writeLines(h.input, FIRST + 1, LINES);
  await new Promise((r) => setTimeout(r, 700));
  run.child.kill(how);
  const code = await run.exited;
  if (how === 'SIGTERM') expect(code, run.output()).toBe(0);
  run = await h.start();
  outputs.push(run.output);
  await writing;
  const t = await tally(h.url, 90_000, lossy);
  const logs = () => `${outputs.map((o) => o()).join('\n---\n')}\n--- sender:\n${sender.output()}`;
  run.child.kill('SIGTERM');
  expect(await run.exited, run.output()).toBe(0);
  await sender.stop();
  return { tally: t, sender, logs };
}

describe('rsyslog (Debian, unpacked) into logpipe', () => {
  let rs: Rsyslog;
  beforeAll(() => {
    rs = ensureRsyslog();
  }, 300_000);

  /** rsyslogd tailing `h.input` (imfile) and forwarding with `action`. */
  const rsyslog = (h: Harness, action: string) => () => {
    const work = join(h.dir, 'rsyslog');
    mkdirSync(work, { recursive: true });
    const conf = join(work, 'rsyslog.conf');
    writeFileSync(
      conf,
      [
        `global(workDirectory="${work}")`,
        'module(load="imfile" mode="inotify")',
        'module(load="omrelp")',
        `input(type="imfile" File="${h.input}" Tag="numbered" freshStartTail="off" ruleset="fwd")`,
        // Retried every second for ever while logpipe is away; the queue holds what waits.
        `ruleset(name="fwd") { action(${action} template="RSYSLOG_SyslogProtocol23Format"`,
        '  action.resumeRetryCount="-1" action.resumeInterval="1") }',
        '',
      ].join('\n'),
    );
    return startDaemon(
      rs.rsyslogd,
      ['-n', '-f', conf, '-i', join(work, 'rsyslogd.pid'), '-M', rs.modules],
      join(work, 'rsyslogd.log'),
      { LD_LIBRARY_PATH: rs.libDir },
    );
  };

  const omrelp = (h: Harness) => `type="omrelp" target="127.0.0.1" port="${h.port}" windowSize="10000"`;

  it('omrelp: every line exactly once through a graceful restart of logpipe', async () => {
    const h = await harness('relp');
    const { tally: t, logs } = await restartMidStream(h, rsyslog(h, omrelp(h)), 'SIGTERM');
    expect({ missing: t.missing.length, duplicated: t.duplicated }, logs()).toEqual({
      missing: 0,
      duplicated: 0,
    });
    expect(t.stored).toBe(LINES);
  }, 180_000);

  it('omrelp: every line at least once through a kill -9 of logpipe, the duplicates counted', async () => {
    const h = await harness('relp');
    const { tally: t, logs } = await restartMidStream(h, rsyslog(h, omrelp(h)), 'SIGKILL');
    expect(t.missing, logs()).toEqual([]);
    // Stored, not yet answered when the process died, and sent again: at most what one kill cuts.
    console.log(`omrelp through kill -9: ${t.duplicated} duplicate(s) of ${LINES} lines`);
    expect(t.stored).toBe(LINES + t.duplicated);
    expect(t.duplicated).toBeLessThan(LINES / 2);
  }, 180_000);

  it('omrelp into logpipe up: every line exactly once through a graceful restart', async () => {
    const h = await harness('relp', 'up');
    const { tally: t, logs } = await restartMidStream(h, rsyslog(h, omrelp(h)), 'SIGTERM');
    expect({ missing: t.missing.length, duplicated: t.duplicated }, logs()).toEqual({
      missing: 0,
      duplicated: 0,
    });
  }, 180_000);

  it('omfwd, octet-counted TCP: every line exactly once through a graceful restart of logpipe', async () => {
    const h = await harness('tcp');
    const action = `type="omfwd" target="127.0.0.1" port="${h.port}" protocol="tcp" TCP_Framing="octet-counted"`;
    const { tally: t, logs } = await restartMidStream(h, rsyslog(h, action), 'SIGTERM');
    expect({ missing: t.missing.length, duplicated: t.duplicated }, logs()).toEqual({
      missing: 0,
      duplicated: 0,
    });
  }, 180_000);

  it('omfwd, octet-counted TCP: a kill -9 of logpipe doubles nothing; what it had read and not stored is lost', async () => {
    const h = await harness('tcp');
    const action = `type="omfwd" target="127.0.0.1" port="${h.port}" protocol="tcp" TCP_Framing="octet-counted"`;
    const { tally: t, logs } = await restartMidStream(h, rsyslog(h, action), 'SIGKILL', true);
    // TCP has no acknowledgements: the loss is what one kill cuts, never more than half the stream.
    console.log(`omfwd through kill -9: ${t.missing.length} of ${LINES} lines lost`);
    expect(t.duplicated, logs()).toBe(0);
    expect(t.missing.length).toBeLessThan(LINES / 2);
  }, 180_000);
});

describe('syslog-ng (Debian) into logpipe', () => {
  beforeAll(() => {
    ensureSyslogNg();
  }, 300_000);

  it('syslog() over TCP with flow control: every line exactly once through a graceful restart of logpipe', async () => {
    const h = await harness('tcp');
    const start = () => {
      const work = join(h.dir, 'syslog-ng');
      mkdirSync(work, { recursive: true });
      const conf = join(work, 'syslog-ng.conf');
      writeFileSync(
        conf,
        [
          '@version: 3.38',
          // Reconnect a second after logpipe went away (the default waits a minute).
          'options { time-reopen(1); stats-freq(0); };',
          `source s_in { file("${h.input}" flags(no-parse) follow-freq(0.1) program-override("numbered")); };`,
          `destination d_logpipe { syslog("127.0.0.1" port(${h.port}) transport("tcp")); };`,
          // flow-control: while the destination's queue is full the file waits, not dropped.
          'log { source(s_in); destination(d_logpipe); flags(flow-control); };',
          '',
        ].join('\n'),
      );
      return startDaemon(
        'syslog-ng',
        [
          '-F',
          '-e',
          '-f',
          conf,
          '-R',
          join(work, 'persist'),
          '-p',
          join(work, 'pid'),
          '-c',
          join(work, 'ctl'),
        ],
        join(work, 'syslog-ng.log'),
      );
    };
    const { tally: t, logs } = await restartMidStream(h, start, 'SIGTERM');
    expect({ missing: t.missing.length, duplicated: t.duplicated }, logs()).toEqual({
      missing: 0,
      duplicated: 0,
    });
  }, 180_000);
});
