/**
 * `logpipe status`: one line per component — state, uptime, events/s in and out, lag, restarts,
 * last error — from the processes of `logpipe up` (as `<data-dir>/up.json` lists them) or the
 * one process of `logpipe run` / `logpipe store --serve` (as `server.json` announces it).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatBytes } from '../core/units.js';
import { pidAlive, readServerInfo } from '../server/discovery.js';
import type { ComponentStatus } from '../server/ops.js';
import { action } from './common.js';
import { addDisplayOptions, type DisplayFlags, displaySettings } from './output/settings.js';
import { type TimeFormatter, timeFormatter } from './output/times.js';

interface StatusFlags extends DisplayFlags {
  json?: boolean;
}

/** One row of the status table. */
export interface StatusRow {
  component: string;
  state: string;
  pid: number | null;
  restarts: number;
  status: ComponentStatus | null;
  error: string | null;
}

export function register(program: Command): void {
  const cmd = program
    .command('status')
    .description('Show each component: state, uptime, throughput, lag, restarts, last error')
    .option(
      '-d, --data-dir <dir>',
      'where logpipe keeps its data (env LOGPIPE_DATA_DIR; default ./logpipe-data)',
    )
    .option('--json', 'print the rows as JSON');
  addDisplayOptions(cmd)
    .addHelpText(
      'after',
      `
Reads <data-dir>/up.json (written by logpipe up) or <data-dir>/server.json (logpipe run, logpipe
store --serve) and asks each component's /status. Exits 1 when nothing runs for the data dir.
STARTED is in the local zone on a terminal, UTC (Z) in a pipe, or as --tz says.`,
    )
    .action(action((flags: StatusFlags) => status(flags)));
}

async function status(flags: StatusFlags): Promise<void> {
  const settings = await displaySettings(flags);
  const dataDir = resolve(settings.dataDir);
  const rows = await collectRows(dataDir);
  if (rows === null) {
    // Not a usage error (exit code 2): nothing running is an answer, exit code 1 as --help says.
    process.stderr.write(
      `logpipe: nothing is running for ${dataDir} (start it with logpipe up or logpipe run)\n`,
    );
    process.exitCode = 1;
    return;
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
    return;
  }
  process.stdout.write(formatStatus(rows, settings.view.times));
}

/** Rows for every component running for a data dir; null when none is. */
export async function collectRows(dataDir: string): Promise<StatusRow[] | null> {
  const up = readUpState(dataDir);
  if (up && pidAlive(up.pid)) {
    return Promise.all(
      up.components.map(async (c) => {
        let st: ComponentStatus | null = null;
        let error: string | null = null;
        if (c.url && c.pid !== null) {
          try {
            st = (await fetchStatus(c.url))[0] ?? null;
          } catch (err) {
            error = `no answer from ${c.url}: ${(err as Error).message}`;
          }
        }
        return {
          component: c.name,
          state: c.state,
          pid: c.pid,
          restarts: c.restarts,
          status: st,
          error: error ?? st?.last_error ?? (c.state === 'backoff' ? c.last_exit : null),
        };
      }),
    );
  }
  const server = readServerInfo(dataDir);
  if (server && pidAlive(server.pid)) {
    try {
      const list = await fetchStatus(server.url, server.token);
      return list.map((s) => ({
        component: s.component,
        state: 'running',
        pid: s.pid,
        restarts: s.restarts,
        status: s,
        error: s.last_error ?? null,
      }));
    } catch (err) {
      return [
        {
          component: 'server',
          state: 'unresponsive',
          pid: server.pid,
          restarts: 0,
          status: null,
          error: (err as Error).message,
        },
      ];
    }
  }
  return null;
}

/** The table `logpipe status` prints, with start times in the formatter's zone (default UTC). */
export function formatStatus(rows: StatusRow[], times: TimeFormatter = timeFormatter('UTC')): string {
  const head = [
    'COMPONENT',
    'STATE',
    'PID',
    'STARTED',
    'UPTIME',
    'IN/s',
    'OUT/s',
    'LAG',
    'RESTARTS',
    'LAST ERROR',
  ];
  const body = rows.map((r) => {
    const s = r.status;
    return [
      r.component,
      r.state,
      r.pid === null ? '-' : String(r.pid),
      s ? (times.format(s.started_at, 's') ?? s.started_at) : '-',
      s ? uptime(s.uptime_s) : '-',
      s ? String(s.in_per_s) : '-',
      s ? String(s.out_per_s) : '-',
      s?.lag_bytes !== undefined ? formatBytes(s.lag_bytes) : '-',
      String(r.restarts),
      r.error ?? '',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  return `${[head, ...body]
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function uptime(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface UpState {
  pid: number;
  components: {
    name: string;
    state: string;
    pid: number | null;
    url?: string;
    restarts: number;
    last_exit: string | null;
  }[];
}

function readUpState(dataDir: string): UpState | null {
  try {
    const s = JSON.parse(readFileSync(resolve(dataDir, 'up.json'), 'utf8')) as UpState;
    return typeof s.pid === 'number' && Array.isArray(s.components) ? s : null;
  } catch {
    return null;
  }
}

async function fetchStatus(url: string, token?: string): Promise<ComponentStatus[]> {
  const res = await fetch(`${url}/status`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(2000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as { components: ComponentStatus[] }).components;
}
