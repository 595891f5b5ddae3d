import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { timeFormatter } from '../../src/cli/output/times.js';
import { collectRows, formatStatus, type StatusRow } from '../../src/cli/status.js';
import { ConfigError } from '../../src/core/errors.js';
import { writeServerInfo } from '../../src/server/discovery.js';
import {
  addOpsRoutes,
  type ComponentCounters,
  type ComponentStatus,
  newCounters,
} from '../../src/server/ops.js';
import { type ServedApp, serveApp } from '../../src/server/serve.js';
import { runCli, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
const served: ServedApp[] = [];
const stops: (() => void)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await Promise.all(served.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir('logpipe-status-');
  dirs.push(d);
  return d;
}

function status(over: Partial<ComponentStatus> = {}): ComponentStatus {
  return {
    ...newCounters('x'),
    pid: 1,
    started_at: '2026-01-01T00:00:00.000Z',
    uptime_s: 0,
    restarts: 0,
    in_per_s: 0,
    out_per_s: 0,
    ...over,
  };
}

/** A component process stand-in: ops routes over `counters`, served on a free port. */
async function component(...counters: ComponentCounters[]): Promise<ServedApp> {
  const app = new Hono();
  stops.push(addOpsRoutes(app, { counters: () => counters }).stop);
  const s = await serveApp(app, '127.0.0.1', 0, 'test');
  served.push(s);
  return s;
}

function counters(component: string, over: Partial<ComponentCounters> = {}): ComponentCounters {
  return { ...newCounters(component), ...over };
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('formatStatus', () => {
  it('renders a header and one aligned row per component, without trailing spaces', () => {
    const rows: StatusRow[] = [
      {
        component: 'store',
        state: 'running',
        pid: 4242,
        restarts: 0,
        status: status({ uptime_s: 75, in_per_s: 1200, out_per_s: 1200 }),
        error: null,
      },
      {
        component: 'collector',
        state: 'running',
        pid: 4343,
        restarts: 2,
        status: status({ uptime_s: 3725, in_per_s: 5, out_per_s: 4, lag_bytes: 2_500_000 }),
        error: 'store busy',
      },
      { component: 'generator 1', state: 'backoff', pid: null, restarts: 1, status: null, error: null },
    ];
    const text = formatStatus(rows);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toEqual([
      'COMPONENT    STATE    PID   STARTED               UPTIME  IN/s  OUT/s  LAG      RESTARTS  LAST ERROR',
      'store        running  4242  2026-01-01 00:00:00Z  1m15s   1200  1200   -        0',
      'collector    running  4343  2026-01-01 00:00:00Z  1h02m   5     4      2.50 MB  2         store busy',
      'generator 1  backoff  -     -                     -       -     -      -        1',
    ]);
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });

  it('renders the header alone when there are no rows', () => {
    expect(formatStatus([])).toBe(
      'COMPONENT  STATE  PID  STARTED  UPTIME  IN/s  OUT/s  LAG  RESTARTS  LAST ERROR\n',
    );
  });

  it('shows start times in the zone it is given', () => {
    const rows: StatusRow[] = [
      { component: 'store', state: 'running', pid: 1, restarts: 0, status: status(), error: null },
    ];
    expect(formatStatus(rows, timeFormatter('Asia/Kolkata'))).toContain(' 2026-01-01 05:30:00+05:30 ');
  });
});

describe('collectRows', () => {
  it('is null for a data dir where nothing runs, or whose files name dead processes', async () => {
    const d = dir();
    expect(await collectRows(d)).toBeNull();
    writeFileSync(join(d, 'up.json'), JSON.stringify({ pid: deadPid(), components: [] }));
    writeServerInfo(d, { pid: deadPid(), url: 'http://127.0.0.1:9', started_at: new Date().toISOString() });
    expect(await collectRows(d)).toBeNull();
    writeFileSync(join(d, 'up.json'), '{not json');
    expect(await collectRows(d)).toBeNull();
  });

  it('asks each component up.json lists for its /status', async () => {
    const d = dir();
    const parser = await component(counters('parser', { events_in: 10, last_error: 'store busy' }));
    writeFileSync(
      join(d, 'up.json'),
      JSON.stringify({
        pid: process.pid,
        started_at: new Date().toISOString(),
        components: [
          {
            name: 'parser',
            state: 'running',
            pid: process.pid,
            url: parser.url,
            restarts: 1,
            last_exit: null,
          },
          {
            name: 'collector',
            state: 'backoff',
            pid: null,
            url: 'http://127.0.0.1:9',
            restarts: 3,
            last_exit: 'exit code 1 after 0.4 s',
          },
          {
            name: 'generator 1',
            state: 'done',
            pid: null,
            restarts: 0,
            last_exit: 'exit code 0 after 2.0 s',
          },
        ],
      }),
    );
    const rows = await collectRows(d);
    expect(rows).not.toBeNull();
    expect(rows!.map((r) => [r.component, r.state, r.pid, r.restarts, r.error])).toEqual([
      ['parser', 'running', process.pid, 1, 'store busy'],
      ['collector', 'backoff', null, 3, 'exit code 1 after 0.4 s'],
      ['generator 1', 'done', null, 0, null],
    ]);
    expect(rows![0].status).toMatchObject({ component: 'parser', events_in: 10, pid: process.pid });
    expect(rows![1].status).toBeNull();
  });

  it('names a listed component that does not answer', async () => {
    const d = dir();
    const gone = await component(counters('store'));
    await served.pop()!.stop();
    writeFileSync(
      join(d, 'up.json'),
      JSON.stringify({
        pid: process.pid,
        components: [{ name: 'store', state: 'running', pid: process.pid, url: gone.url, restarts: 0 }],
      }),
    );
    const [row] = (await collectRows(d))!;
    expect(row.status).toBeNull();
    expect(row.error).toMatch(new RegExp(`^no answer from ${gone.url.replace(/\./g, '\\.')}: `));
  });

  it('asks the one process server.json announces, with its token, for all its components', async () => {
    const d = dir();
    const app = new Hono();
    stops.push(
      addOpsRoutes(app, { counters: () => [counters('collector'), counters('parser'), counters('store')] })
        .stop,
    );
    // Behind a token, as `logpipe run` may be: only a caller with it gets an answer.
    const guarded = new Hono();
    guarded.use('*', async (c, next) =>
      c.req.header('authorization') === 'Bearer tok' ? next() : c.json({}, 401),
    );
    guarded.route('/', app);
    const s = await serveApp(guarded, '127.0.0.1', 0, 'test');
    served.push(s);
    writeServerInfo(d, { pid: process.pid, url: s.url, started_at: new Date().toISOString(), token: 'tok' });
    const rows = (await collectRows(d))!;
    expect(rows.map((r) => [r.component, r.state, r.pid])).toEqual([
      ['collector', 'running', process.pid],
      ['parser', 'running', process.pid],
      ['store', 'running', process.pid],
    ]);
  });

  it('reports an announced process that does not answer as unresponsive', async () => {
    const d = dir();
    writeServerInfo(d, {
      pid: process.pid,
      url: 'http://127.0.0.1:9',
      started_at: new Date().toISOString(),
    });
    const rows = (await collectRows(d))!;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ component: 'server', state: 'unresponsive', pid: process.pid });
  });
});

describe('serveApp', () => {
  it('refuses a port in use with a ConfigError naming the key', async () => {
    const first = await component(counters('x'));
    await expect(serveApp(new Hono(), '127.0.0.1', first.port, 'server.port')).rejects.toThrow(ConfigError);
    await expect(serveApp(new Hono(), '127.0.0.1', first.port, 'server.port')).rejects.toThrow(
      /^config server\.port: port \d+ on 127\.0\.0\.1 is already in use/,
    );
  });
});

describe('logpipe status', () => {
  it('exits 1 with one line when nothing is running for the data dir', async () => {
    const d = dir();
    const r = await runCli(['status', '--data-dir', d]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`logpipe: nothing is running for ${d} (start it with logpipe up or logpipe run)\n`);
  });

  it('prints the table for the processes up.json lists, and JSON with --json', async () => {
    const d = dir();
    const store = await component(counters('store', { events_in: 3 }));
    writeFileSync(
      join(d, 'up.json'),
      JSON.stringify({
        pid: process.pid,
        components: [{ name: 'store', state: 'running', pid: process.pid, url: store.url, restarts: 0 }],
      }),
    );
    let r = await runCli(['status', '--data-dir', d]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^COMPONENT +STATE +PID +STARTED +UPTIME +IN\/s +OUT\/s +LAG +RESTARTS +LAST ERROR$/,
    );
    // Piped: UTC, marked Z.
    expect(lines[1]).toMatch(
      new RegExp(
        `^store +running +${process.pid} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +\\d+s +0 +0 +- +0$`,
      ),
    );
    r = await runCli(['status', '--data-dir', d, '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as StatusRow[];
    expect(rows[0]).toMatchObject({ component: 'store', state: 'running', status: { events_in: 3 } });
  });
});
