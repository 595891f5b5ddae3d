/**
 * `logpipe store`: the storage process. Appends events from stdin (or `--import`ed files) and
 * serves the query API meanwhile; `--stats` describes what a store holds, `--check` verifies
 * its files.
 */

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MAX_LINE_BYTES } from '../core/defaults.js';
import { isStorageError, UsageError } from '../core/errors.js';
import { noAck } from '../core/events.js';
import { loadLinkSecret } from '../core/link-secret.js';
import { stderrLogger } from '../core/log.js';
import type { StoreStats } from '../core/storage.js';
import { parseDuration } from '../core/time.js';
import { formatBytes, groupDigits } from '../core/units.js';
import type { FileImport, ImportMultiline } from '../pipeline/import-files.js';
import type { CheckReport } from '../pipeline/open-store.js';
import type { InputKind } from '../pipeline/read-events.js';
import type { QueryResponse, RunningServer, TimeSources } from '../server/index.js';
import { action, intFlag } from './common.js';
import { addConfigOptions, type ConfigFlags, configFromFlags } from './config-flags.js';
import { importFileLine } from './import-report.js';
import { progressBar } from './progress.js';
import { serviceLogger, untilStopped } from './service.js';
import { timeSourceCounts } from './time-sources.js';

interface StoreFlags extends ConfigFlags {
  input: InputKind;
  format?: string;
  service?: string;
  source?: string;
  port?: string;
  host?: string;
  server: boolean;
  serve?: boolean;
  batchSize?: string;
  import?: string[];
  stats?: boolean;
  check?: boolean;
  quiet?: boolean;
  maxLineBytes?: string;
  multiline: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('store')
    .description(
      'Store events from stdin (logpipe parse output, collector NDJSON or plain log lines) in the embedded database',
    );
  addConfigOptions(cmd)
    .option('--input <kind>', 'what stdin holds: auto, events, raw or lines', 'auto')
    .option(
      '--import <file...>',
      'import these files (raw logs, .gz too, or NDJSON) instead of reading stdin; binary files are skipped',
    )
    .option(
      '--multiline <mode>',
      "with --import: join continuation lines (stack traces) to the event before them: auto (Java and Python traces), java, python, off, or a regular expression an event's first line matches",
      'auto',
    )
    .option(
      '--stats',
      'describe the store (partitions, rows, size, compression, time range, events without their own time) and exit',
    )
    .option(
      '--check',
      'verify every file of the stopped store (footers, row counts, catalog, offsets); exit 1 on damage',
    )
    .option('--format <id>', 'parser for raw events and plain lines (default: detect)')
    .option('--service <name>', 'service name for events that carry none')
    .option('--source <name>', 'source id for plain lines on stdin', 'stdin')
    .option(
      '--max-line-bytes <n>',
      `cut longer plain lines and flag them; NDJSON on stdin may carry lines this long (default ${DEFAULT_MAX_LINE_BYTES}, as collect)`,
    )
    .option('--serve', 'serve the API (query, ingest, metrics) until stopped, reading nothing from stdin')
    .option('--host <addr>', 'address the API binds to (default 127.0.0.1; with --serve, server.host)')
    .option('--port <n>', 'port of the API (default any free one; with --serve, server.port)')
    .option('--no-server', 'do not serve the query API while storing')
    .option('--batch-size <n>', 'events per append transaction (default: storage.batch_size)')
    .option('-q, --quiet', 'no progress or summary')
    .addHelpText(
      'after',
      `
The storage process owns the database; while it runs, \`logpipe query --data-dir D\` asks it over
HTTP on 127.0.0.1. Re-sent events (same source, generation and offset) are stored once, so
importing a file twice stores it once. An imported line without a time of its own takes that of
the last line before it in its file that had one (fields.ts_source: previous); lines from stdin
take the time they were read (ts_source: received). Rows whose hour has ended (with --import,
every row) are sealed into Parquet files under <data-dir>/store/parts/ of up to 500,000 rows
each, whatever time they span (an import of a year of history makes a few files);
storage.retention and storage.max_size remove the oldest.

Examples:
  logpipe generate --count 1000 --format json | logpipe parse | logpipe store --data-dir D
  logpipe store --data-dir D < access.log
  logpipe store --data-dir D --import /var/log/nginx/access.log*      (.gz rotations too)
  logpipe store --data-dir D --import app.log --multiline '^\\d{4}-\\d\\d-\\d\\d '
  logpipe store --data-dir D --stats
  logpipe store --data-dir D --check               (with the store stopped)
  logpipe store --serve --config logpipe.yaml      (the storage process of logpipe up)`,
    )
    .action(
      action((flags: StoreFlags) =>
        flags.check
          ? checkFiles(flags)
          : flags.stats
            ? showStats(flags)
            : flags.serve
              ? serve(flags)
              : store(flags),
      ),
    );
}

async function store(flags: StoreFlags): Promise<void> {
  const config = await configFromFlags(flags);
  const log = stderrLogger({ quiet: flags.quiet });
  const dataDir = resolve(config.data_dir);
  const batchSize = intFlag('batch-size', flags.batchSize, 1) ?? config.storage.batch_size;
  const port = intFlag('port', flags.port ?? '0', 0, 65535)!;
  const maxLineBytes = intFlag('max-line-bytes', flags.maxLineBytes, 1);
  // Loaded here, not at startup: `logpipe --help` and other commands need none of it.
  const [
    { StoreWriter, openStore, parserOptions },
    { startServer },
    { readBatches, tooLongError },
    { importFiles, importPool, multilineFor },
    { storedOf, storedKey },
  ] = await Promise.all([
    import('../pipeline/index.js'),
    import('../server/index.js'),
    import('../pipeline/read-events.js'),
    import('../pipeline/import-files.js'),
    import('../pipeline/import-report.js'),
  ]);
  const multiline: ImportMultiline | null = flags.import ? multilineFor(flags.multiline) : null;
  const started = performance.now();
  // A file's history: a line without its own time (a stack trace's, a wrapped message's)
  // belongs to the event before it, not to the moment of the import.
  const importParser = { ...parserOptions(config.parse), missingTime: 'previous' as const };
  // The worker starts first: it loads its modules while this thread opens the store.
  const pool = flags.import ? importPool(config.parse.workers, importParser) : null;
  let engine: Awaited<ReturnType<typeof openStore>>;
  try {
    // An import seals each partition's worth of rows as it fills, while it reads on.
    engine = await openStore(config, log, { bulkImport: flags.import !== undefined });
  } catch (err) {
    await pool?.close();
    throw err;
  }
  let server: RunningServer | null = null;
  const flushIntervalMs = parseDuration(config.storage.flush_interval);
  const writer = new StoreWriter(engine, { batchSize, flushIntervalMs, log });
  let bad = 0;
  const tooLong: number[] = [];
  let imported: FileImport[] | null = null;
  const reportLines: string[] = [];
  const bar = flags.import && !flags.quiet && process.stderr.isTTY ? progressBar(process.stderr) : null;
  try {
    if (flags.server)
      server = await startServer({
        store: engine,
        host: flags.host ?? '127.0.0.1',
        port,
        dataDir,
        token: config.server.token,
        linkSecret: loadLinkSecret(dataDir),
        parser: parserOptions(config.parse),
      });
    if (flags.import) {
      const before = await storedOf(
        engine,
        flags.import.map((p) => resolve(p)),
      );
      const { files } = await importFiles(flags.import, {
        writer,
        format: flags.format,
        service: flags.service,
        parser: importParser,
        pool,
        multiline,
        maxLineBytes,
        onProgress: (p) =>
          bar?.update(
            p.bytes / Math.max(1, p.totalBytes),
            `${p.filesDone}/${p.files} files  ${p.events} events`,
            p.lines,
          ),
        onFile: (f) => {
          if (f.skipped !== null) {
            bar?.done();
            log.warn(`${f.path}: skipped, not text (${f.skipped})`);
          }
        },
      });
      imported = files;
      await pool?.close();
      await writer.close();
      const after = await storedOf(engine, [...new Set(files.map((f) => f.source))]);
      for (const f of files) {
        if (f.skipped !== null) continue;
        const key = storedKey(f.source, f.generation);
        reportLines.push(importFileLine(f, before.get(key), after.get(key)));
      }
    } else {
      for await (const batch of readBatches(process.stdin, {
        input: flags.input,
        format: flags.format,
        service: flags.service,
        source: flags.source,
        parser: parserOptions(config.parse),
        onBadLine: (n, reason) => {
          if (bad++ < 10) log.warn(`stdin line ${n}: ${reason}; kept as an unknown event`);
        },
        maxLineBytes,
        onTooLong: (n, limit) => {
          if (tooLong.push(n) <= 10) {
            log.error(`stdin line ${n}: an NDJSON record longer than ${limit} bytes; not stored`);
          }
        },
      })) {
        if ('events' in batch) await writer.write(batch.events, noAck);
        else await writer.writeRaw(batch.raws, batch.parse, noAck);
      }
    }
    await writer.close();
    // Seal what is finished now rather than at the next start, on every core: reading is done.
    await engine.maintain({ alone: true });
  } finally {
    bar?.done();
    await pool?.close();
    // Refused ("logpipe is stopping") rather than cut off while the store closes.
    await server?.refuse();
    await engine.close();
    await server?.stop();
  }
  const s = writer.stats();
  const secs = (performance.now() - started) / 1000;
  if (!flags.quiet) {
    for (const line of reportLines) log.info(line);
    const onDisk = imported?.reduce((n, f) => n + f.size, 0) ?? 0;
    const read = imported ? `, ${formatBytes(onDisk)} from ${imported.length} file(s)` : '';
    const lines = imported ? imported.reduce((n, f) => n + f.lines, 0) : 0;
    const skipped = imported?.filter((f) => f.skipped !== null).length ?? 0;
    const extra = imported
      ? `; ${lines} lines${skipped > 0 ? `, ${skipped} file(s) skipped as not text` : ''}`
      : '';
    log.info(
      `stored ${s.stored} events (${s.duplicates} duplicates skipped${bad ? `, ${bad} bad lines kept as unknown` : ''}${read}) in ${secs.toFixed(2)} s, ${Math.round(s.stored / secs)} events/s${extra}`,
    );
  }
  if (tooLong.length > 0) throw tooLongError(tooLong);
  const damaged = imported?.filter((f) => f.damaged !== null) ?? [];
  if (damaged.length > 0) {
    // Bad input, not a bad command: exit 1 (as --check on damage), after everything else was stored.
    log.error(
      `damaged gzip data in ${damaged.map((f) => `${f.path} (${f.damaged})`).join(', ')}; the whole lines before the damage were stored`,
    );
    process.exitCode = 1;
  }
}

/** The storage process alone: owns the database, serves the API until SIGINT/SIGTERM. */
async function serve(flags: StoreFlags): Promise<void> {
  const config = await configFromFlags(flags);
  const dataDir = resolve(config.data_dir);
  const log = serviceLogger(dataDir, 'store', flags.quiet);
  const [{ openStore, parserOptions }, { startServer }] = await Promise.all([
    import('../pipeline/index.js'),
    import('../server/index.js'),
  ]);
  mkdirSync(dataDir, { recursive: true });
  const engine = await openStore(config, log);
  let server: RunningServer;
  try {
    server = await startServer({
      store: engine,
      host: flags.host ?? config.server.host,
      port: intFlag('port', flags.port, 0, 65535) ?? config.server.port,
      dataDir,
      token: config.server.token,
      linkSecret: loadLinkSecret(dataDir),
      parser: parserOptions(config.parse),
    });
  } catch (err) {
    await engine.close();
    throw err;
  }
  log.info(`store serving ${server.url}; data in ${dataDir}`);
  const sig = await untilStopped();
  log.info(`${sig}: closing the store`);
  // Requests in flight are answered, new ones refused with "logpipe is stopping" until it ends.
  await server.refuse();
  // Seal what is finished now rather than at the next start.
  await engine.maintain().catch((err) => log.warn(`maintenance at shutdown: ${(err as Error).message}`));
  await engine.close();
  await server.stop();
  log.info('store closed');
}

async function showStats(flags: StoreFlags): Promise<void> {
  const config = await configFromFlags(flags);
  const dataDir = resolve(config.data_dir);
  const { findServer } = await import('../server/discovery.js');
  const server = await findServer(dataDir);
  const { countTimeSources, TIME_SOURCES_QUERY, timeSourcesOf } = await import('../server/query-service.js');
  let stats: StoreStats;
  let times: TimeSources;
  if (server) {
    const headers: Record<string, string> = server.token ? { authorization: `Bearer ${server.token}` } : {};
    const res = await fetch(`${server.url}/api/stats`, { headers });
    stats = (await res.json()) as typeof stats;
    const q = await fetch(`${server.url}/api/query?${new URLSearchParams({ q: TIME_SOURCES_QUERY })}`, {
      headers,
    });
    const body = (await q.json()) as Partial<QueryResponse> & { error?: { message: string } };
    if (body.error !== undefined || body.rows === undefined) {
      throw new UsageError(`the storage process answered: ${body.error?.message ?? `HTTP ${q.status}`}`);
    }
    times = timeSourcesOf(body.rows);
  } else {
    const { openStoreReadOnly } = await import('../pipeline/open-store.js');
    const engine = await openStoreReadOnly(dataDir);
    try {
      stats = await engine.stats();
      times = await countTimeSources(engine, {});
    } finally {
      await engine.close();
    }
  }
  const ratio = stats.bytes_on_disk > 0 ? stats.raw_bytes / stats.bytes_on_disk : 0;
  const lines = [
    ['store', resolve(dataDir, 'store')],
    ['rows', `${groupDigits(stats.rows)} (${groupDigits(stats.active_rows)} not yet sealed)`],
    ['partitions', String(stats.partitions)],
    ['segments', `${stats.segments} (unsealed files: appended batches and their compactions)`],
    ['on disk', formatBytes(stats.bytes_on_disk)],
    ['raw text', formatBytes(stats.raw_bytes)],
    ['compression', ratio > 0 ? `${ratio.toFixed(1)}x` : '-'],
    ['oldest', stats.oldest ?? '-'],
    ['newest', stats.newest ?? '-'],
    ['own time', ownTimeLine(times)],
    ['quarantine', quarantineLine(stats)],
  ];
  process.stdout.write(`${lines.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n')}\n`);
}

/** The events without a time of their own, as `--stats` shows them. */
function ownTimeLine(t: TimeSources): string {
  return timeSourceCounts(t, 'carry their read time') ?? 'every event has its own time';
}

/** The files the store set aside or found missing, as `--stats` shows them. */
function quarantineLine(stats: StoreStats): string {
  const q = stats.quarantined_files ?? 0;
  const m = stats.missing_files ?? 0;
  if (q === 0 && m === 0) return 'none';
  const parts = [];
  if (q > 0) parts.push(`${q} file(s) set aside`);
  if (m > 0) parts.push(`${m} missing file(s) noted`);
  return `${parts.join(', ')} in store/quarantine/ (see logpipe store --check)`;
}

/**
 * `--check`: verifies every file of a stopped store and prints one line per problem; exit 1 on
 * any. A store some process owns is refused: its files change while they are read.
 */
async function checkFiles(flags: StoreFlags): Promise<void> {
  const config = await configFromFlags(flags);
  const dataDir = resolve(config.data_dir);
  const { findServer } = await import('../server/discovery.js');
  const server = await findServer(dataDir);
  if (server) {
    throw new UsageError(
      `the store in ${dataDir} is in use by pid ${server.pid} (${server.url}): stop it first; --check reads every file while nothing writes`,
    );
  }
  const { checkStoreFiles } = await import('../pipeline/open-store.js');
  let report: CheckReport;
  try {
    report = await checkStoreFiles(dataDir);
  } catch (err) {
    if (isStorageError(err, 'locked') || isStorageError(err, 'not_found')) throw new UsageError(err.message);
    throw err;
  }
  const out: string[] = [];
  for (const p of report.problems) out.push(`problem  ${p}`);
  for (const n of report.notes) out.push(`note     ${n}`);
  const what = `${report.partitions} partition(s), ${report.segments} segment file(s), ${groupDigits(report.rows)} rows`;
  const store = resolve(dataDir, 'store');
  out.push(
    report.problems.length === 0
      ? `ok: ${what} in ${store}`
      : `${report.problems.length} problem(s) in ${store} (${what} read)`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  if (report.problems.length > 0) process.exitCode = 1;
}
