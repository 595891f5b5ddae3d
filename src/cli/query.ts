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
  formatRows,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseQuery,
} from '../query/index.js';
import { chooseServer, type ServerInfo } from '../server/discovery.js';
import type { QueryRequest, QueryResponse, TimeSources } from '../server/index.js';
import { action, intFlag } from './common.js';
import { dataDirFromFlags } from './config-flags.js';
import { timeRange } from './time-range.js';
import { timeSourceCounts } from './time-sources.js';

interface QueryFlags {
  dataDir?: string;
  server?: string;
  since?: string;
  from?: string;
  to?: string;
  limit: string;
  format?: string;
  color?: boolean;
  explain?: boolean;
  sql?: string;
}

export function register(program: Command): void {
  program
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
    .option('-f, --format <fmt>', `output: ${OUTPUT_FORMATS.join(', ')} (default: table)`)
    .option(
      '--explain',
      'also show the SQL, partitions scanned and skipped, events in range without their own time, and the time taken',
    )
    .option('--sql <select>', 'run read-only SQL over the `logs` view instead of a query')
    .option('--no-color', 'no colours in table output (also NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  logpipe query 'status>=500'
  logpipe query 'level:warn service:api-gateway "slow query"' --since 1h
  logpipe query 'status>=500 | count by path | sort count desc | limit 10'
  logpipe query 'status>=400 -path:/health' --format ndjson | jq .path
  logpipe query --sql 'SELECT level, count(*) FROM logs GROUP BY level'

Newest events first. See docs/query-language.md for the whole language.`,
    )
    .action(
      action(async (text: string, flags: QueryFlags) => {
        const format = (flags.format ?? 'table') as OutputFormat;
        if (!OUTPUT_FORMATS.includes(format)) {
          throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${flags.format}"`);
        }
        // Errors point at their position before anything is opened (raw SQL is checked by the
        // store's engine, when it runs).
        const ast = flags.sql === undefined ? parseQuery(text) : null;
        const warn = (line: string) => process.stderr.write(`logpipe: ${line}\n`);
        const req: QueryRequest = {
          q: text,
          ...timeRange(flags, Date.now(), warn),
          limit: intFlag('limit', flags.limit, 1),
          explain: flags.explain,
        };
        const result = await execute(resolve(dataDirFromFlags(flags)), req, flags);
        const color = flags.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
        process.stdout.write(formatRows(result, format, { color, width: process.stdout.columns }));
        if (flags.explain) process.stderr.write(explainText(result));
        if (ast) {
          const limit = req.limit ?? (result.kind === 'table' ? DEFAULT_TABLE_LIMIT : DEFAULT_EVENT_LIMIT);
          for (const f of absentFields(ast, result.rows, limit))
            warn(`no field \`${f}\` in the events searched`);
        }
      }),
    );
}

function explainText(r: QueryResponse): string {
  const lines = [
    '',
    `sql:        ${r.sql ?? '(raw SQL)'}`,
    ...(r.params && r.params.length > 0 ? [`params:     ${JSON.stringify(r.params)}`] : []),
    `partitions: ${r.scan ? `${r.scan.partitions_scanned} scanned, ${r.scan.partitions_skipped} skipped` : '-'} (plus the active table)`,
    `rows:       ${r.rows.length} returned`,
    `own time:   ${timeSourcesText(r.time_sources)}`,
    `time:       ${r.elapsed_ms.toFixed(1)} ms`,
  ];
  return `${lines.join('\n')}\n`;
}

/** What `--explain` says of the range's events without a time of their own. */
export function timeSourcesText(t: TimeSources | undefined): string {
  if (t === undefined) return '-';
  const counts = timeSourceCounts(t, 'carry the time they were read');
  return counts === null
    ? 'every event in range has its own time'
    : `events in range without their own time: ${counts}`;
}

async function execute(dataDir: string, req: QueryRequest, flags: QueryFlags): Promise<QueryResponse> {
  const server = await chooseServer(dataDir, flags.server);
  if (server) return executeRemote(server, req, flags);
  // The engine is loaded only when no storage process answers.
  const [{ openStoreReadOnly }, { runQuery, runSql }] = await Promise.all([
    import('../pipeline/open-store.js'),
    import('../server/query-service.js'),
  ]);
  const store = await openStoreReadOnly(dataDir);
  try {
    return flags.sql !== undefined ? await runSql(store, flags.sql) : await runQuery(store, req);
  } finally {
    await store.close();
  }
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
  if (req.explain) params.set('explain', '1');
  const res = await fetch(`${server.url}/api/query?${params}`, {
    headers: server.token ? { authorization: `Bearer ${server.token}` } : {},
  });
  const body = (await res.json()) as QueryResponse & {
    error?: { type: string; message: string; position?: number };
  };
  if (body.error) {
    if (body.error.type === 'query') {
      throw new QueryError(body.error.message, flags.sql ?? req.q, body.error.position ?? 0);
    }
    throw new UsageError(`the storage process answered: ${body.error.message}`);
  }
  return body;
}
