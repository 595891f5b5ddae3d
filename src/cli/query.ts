/**
 * `logpipe query`: search stored events. Asks the storage process over HTTP when one owns the
 * data dir, otherwise opens the database read-only.
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { QueryError, UsageError } from '../core/errors.js';
import { formatMicros } from '../core/time.js';
import {
  absentFields,
  DEFAULT_EVENT_LIMIT,
  DEFAULT_TABLE_LIMIT,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseQuery,
  type QueryAst,
} from '../query/index.js';
import { chooseServer, pidAlive, type ServerInfo } from '../server/discovery.js';
import type { QueryRequest, QueryResponse, TimeSources } from '../server/index.js';
import { STOPPING_TYPE } from '../server/stop-gate.js';
import { action, intFlag } from './common.js';
import { pageNote, renderRows } from './output/render.js';
import { addDisplayOptions, type DisplayFlags, displaySettings } from './output/settings.js';
import { timeRange } from './time-range.js';
import { timeSourceCounts } from './time-sources.js';

interface QueryFlags extends DisplayFlags {
  server?: string;
  since?: string;
  from?: string;
  to?: string;
  limit: string;
  offset?: string;
  format?: string;
  explain?: boolean;
  sql?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('query')
    .description('Search and analyse stored events with the query language')
    .argument('[query]', "query text, e.g. 'status>=500 path:/api/*' (default: everything)", '*')
    .option('-d, --data-dir <dir>', 'data directory (env LOGPIPE_DATA_DIR; default ./logpipe-data)')
    .option(
      '--server <url>',
      "ask this logpipe server (e.g. a container's published port); token from LOGPIPE_TOKEN",
    )
    .option('-s, --since <time>', 'only events newer than this: 15m, 2h, 7d, or a time')
    .option('--from <time>', 'start of the time range (ISO 8601, or 2h for two hours ago)')
    .option(
      '--to <time>',
      'end of the time range (ISO 8601, now, or 5m for five minutes ago); a start after it is swapped with it, with a note',
    )
    .option('-n, --limit <n>', 'rows to show at most (default 100 events)')
    .option('--offset <n>', 'skip this many rows first: the next page of a large result (--offset 100)')
    .option('-f, --format <fmt>', `output: ${OUTPUT_FORMATS.join(', ')} (default: table)`)
    .option(
      '--explain',
      'also show the SQL, partitions scanned and skipped, events in range without their own time, and the time taken',
    )
    .option('--sql <select>', 'run read-only SQL over the `logs` view instead of a query')
    .option('--no-color', 'no colours in table output (also NO_COLOR=1)');
  addDisplayOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  logpipe query 'status>=500'
  logpipe query 'level:warn service:api-gateway "slow query"' --since 1h
  logpipe query 'status>=500 | count by path | sort count desc | limit 10'
  logpipe query 'status>=400 -path:/health' --format ndjson | jq .path
  logpipe query --sql 'SELECT level, count(*) FROM logs GROUP BY level'

  logpipe query 'status>=500' --offset 100          the second page of 100

Newest events first (ties by source and offset), so pages never overlap. The table shows
requests as ts, service, status, method, client_ip, path and other events as ts, level,
service, message, under a header row; times in the local zone on a terminal, UTC (Z) in a
pipe; numbers rounded (json, ndjson and csv keep every digit). When the page does not hold
every match, a line on stderr says how many there are ("showing 100 of 12,345 events"),
counted when that takes under 1.5 s. A timechart on a terminal draws a bar per row. See
docs/query-language.md for the whole language and docs/cli.md for the output.`,
    )
    .action(
      action(async (text: string, flags: QueryFlags) => {
        // Milliseconds since the process started: what node and the CLI's modules took.
        const ready = performance.now();
        const format = (flags.format ?? 'table') as OutputFormat;
        if (!OUTPUT_FORMATS.includes(format)) {
          throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${flags.format}"`);
        }
        // Errors point at their position before anything is opened (raw SQL is checked by the
        // store's engine, when it runs).
        const ast = flags.sql === undefined ? parseQuery(text) : null;
        const settings = await displaySettings(flags);
        const warn = (line: string) => process.stderr.write(`logpipe: ${line}\n`);
        const req: QueryRequest = {
          q: text,
          ...timeRange(flags, Date.now(), warn),
          limit: intFlag('limit', flags.limit, 1),
          offset: intFlag('offset', flags.offset, 0),
          explain: flags.explain,
          // A table tells its reader what the page leaves out; data formats are read by programs.
          total: format === 'table' && flags.sql === undefined,
        };
        const { result, timings } = await execute(resolve(settings.dataDir), req, flags);
        const writing = performance.now();
        process.stdout.write(renderRows(result, format, settings.view, { chart: chartColumn(ast) }));
        const note = pageNote(
          result.rows.length,
          req.offset ?? 0,
          result.total,
          result.kind === 'events' ? 'events' : 'rows',
        );
        if (note !== null) warn(note);
        if (ast) {
          const limit = req.limit ?? (result.kind === 'table' ? DEFAULT_TABLE_LIMIT : DEFAULT_EVENT_LIMIT);
          for (const f of absentFields(ast, result.rows, limit, req.offset ?? 0))
            warn(`no field \`${f}\` in the events searched`);
        }
        if (flags.explain) {
          const outputMs = performance.now() - writing;
          process.stderr.write(
            explainText(result, { ...timings, ready, outputMs, totalMs: performance.now() }),
          );
        }
      }),
    );
}

/** Where a query's time went, ms (`ready` and `totalMs` since the process started). */
export interface QueryTimings {
  ready: number;
  /** Loading the engine and opening the store read-only; absent when a storage process answered. */
  openMs?: number;
  /** The whole request to the storage process, when one answered. */
  askMs?: number;
  /** Parsing, planning and running the query (and counting `own time`), here or in the server. */
  runMs: number;
  closeMs?: number;
  outputMs: number;
  totalMs: number;
}

/** The column a timechart draws bars for: its first aggregate, when it is the last stage. */
function chartColumn(ast: QueryAst | null): string | undefined {
  const last = ast?.stages.at(-1);
  return last?.type === 'timechart' ? last.aggs[0]?.name : undefined;
}

function explainText(r: QueryResponse, t: QueryTimings): string {
  const lines = [
    '',
    `sql:        ${r.sql ?? '(raw SQL)'}`,
    ...(r.params && r.params.length > 0 ? [`params:     ${JSON.stringify(r.params)}`] : []),
    `partitions: ${r.scan ? `${r.scan.partitions_scanned} scanned, ${r.scan.partitions_skipped} skipped` : '-'} (plus the active table)`,
    `rows:       ${r.rows.length} returned`,
    `own time:   ${timeSourcesText(r.time_sources)}`,
    `time:       ${r.elapsed_ms.toFixed(1)} ms in the engine`,
    ...timingLines(r, t),
  ];
  return `${lines.join('\n')}\n`;
}

/** The steps of a query's time, one a line, in ms. */
export function timingLines(r: QueryResponse, t: QueryTimings): string[] {
  const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`.padStart(9);
  const step = (name: string, n: number, note = '') =>
    `  ${name.padEnd(26)}${ms(n)}${note ? `  ${note}` : ''}`;
  const plan = r.plan_ms ?? 0;
  const counted = r.time_sources_ms ?? 0;
  const out = ['where the time went:', step('process start → CLI ready', t.ready)];
  if (t.openMs !== undefined)
    out.push(step('engine open', t.openMs, '(loading DuckDB, reading the catalog)'));
  if (t.askMs !== undefined) {
    out.push(
      step(
        'asking the storage process',
        t.askMs,
        `(its plan ${plan.toFixed(1)} ms, engine ${r.elapsed_ms.toFixed(1)} ms)`,
      ),
    );
  } else {
    if (r.plan_ms !== undefined) out.push(step('plan', plan));
    out.push(
      step('execution', Math.max(0, t.runMs - plan - counted), `(engine ${r.elapsed_ms.toFixed(1)} ms)`),
    );
    if (r.time_sources_ms !== undefined) out.push(step('counting own time', counted));
    if (t.closeMs !== undefined) out.push(step('closing the store', t.closeMs));
  }
  out.push(step('output', t.outputMs), step('total', t.totalMs));
  return out;
}

/** What `--explain` says of the range's events without a time of their own. */
export function timeSourcesText(t: TimeSources | undefined): string {
  if (t === undefined) return '-';
  const counts = timeSourceCounts(t, 'carry the time they were read');
  return counts === null
    ? 'every event in range has its own time'
    : `events in range without their own time: ${counts}`;
}

type Steps = Omit<QueryTimings, 'ready' | 'outputMs' | 'totalMs'>;

async function execute(
  dataDir: string,
  req: QueryRequest,
  flags: QueryFlags,
): Promise<{ result: QueryResponse; timings: Steps }> {
  const server = await chooseServer(dataDir, flags.server);
  if (server) {
    const asking = performance.now();
    const result = await executeRemote(server, req, flags).catch((err) => gone(server, err));
    if (result !== null) {
      const askMs = performance.now() - asking;
      return { result, timings: { askMs, runMs: askMs } };
    }
  }
  // The engine is loaded only when no storage process answers.
  const opening = performance.now();
  const [{ openStoreReadOnly }, { runQuery, runSql }] = await Promise.all([
    import('../pipeline/open-store.js'),
    import('../server/query-service.js'),
  ]);
  const store = await openStoreReadOnly(dataDir);
  const running = performance.now();
  let result: QueryResponse;
  let closing: number;
  try {
    result = flags.sql !== undefined ? await runSql(store, flags.sql) : await runQuery(store, req);
  } finally {
    closing = performance.now();
    await store.close();
  }
  const closed = performance.now();
  return {
    result,
    timings: { openMs: running - opening, runMs: closing - running, closeMs: closed - closing },
  };
}

/** How long a query waits for a stopping storage process to exit, to read the store itself. */
const STOPPING_WAIT_MS = 20_000;

/** The storage process asked is stopping, or went away while asked. */
class Stopping extends Error {}

/**
 * When the storage process is stopping (or just gone), waits for it to exit and returns null,
 * so the query reads the store itself; any other error is thrown on.
 */
async function gone(server: ServerInfo, err: unknown): Promise<null> {
  if (!(err instanceof Stopping)) throw err;
  if (server.pid === 0) {
    throw new UsageError(
      `the logpipe server at ${server.url} is stopping (${err.message}); ask again once it is back`,
    );
  }
  if (pidAlive(server.pid)) {
    process.stderr.write(
      `logpipe: the storage process (pid ${server.pid}) is stopping; answering from the store once it has stopped\n`,
    );
  }
  const deadline = Date.now() + STOPPING_WAIT_MS;
  while (pidAlive(server.pid)) {
    if (Date.now() > deadline) {
      throw new UsageError(
        `the storage process (pid ${server.pid}) is still stopping after ${STOPPING_WAIT_MS / 1000} s; ask again once it has stopped`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

async function executeRemote(
  server: ServerInfo,
  req: QueryRequest,
  flags: QueryFlags,
): Promise<QueryResponse> {
  const params = new URLSearchParams();
  if (flags.sql !== undefined) params.set('sql', flags.sql);
  else params.set('q', req.q);
  // The range as read here (relative times against this clock, a reversed range swapped).
  if (req.fromUs !== undefined) params.set('from', formatMicros(req.fromUs));
  if (req.toUs !== undefined) params.set('to', formatMicros(req.toUs));
  if (req.limit) params.set('limit', String(req.limit));
  if (req.offset) params.set('offset', String(req.offset));
  if (req.total) params.set('total', '1');
  if (req.explain) params.set('explain', '1');
  // Rows as a local query prints them: without the identity the API adds for its clients.
  params.set('identity', '0');
  let res: Response;
  try {
    res = await fetch(`${server.url}/api/query?${params}`, {
      headers: server.token ? { authorization: `Bearer ${server.token}` } : {},
    });
  } catch (err) {
    // The process went away between finding it and asking it (a stop cut short).
    throw new Stopping(String((err as Error).message));
  }
  const body = (await res.json()) as QueryResponse & {
    error?: { type: string; message: string; position?: number };
  };
  if (body.error) {
    if (body.error.type === STOPPING_TYPE) throw new Stopping(body.error.message);
    if (body.error.type === 'query') {
      throw new QueryError(body.error.message, flags.sql ?? req.q, body.error.position ?? 0);
    }
    throw new UsageError(`the storage process answered: ${body.error.message}`);
  }
  return body;
}
