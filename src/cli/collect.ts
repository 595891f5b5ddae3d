/** `logpipe collect`: tail log files (or stdin, or syslog) and emit raw events as NDJSON on stdout. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  FileCollector,
  type MultilineOptions,
  mergeBatches,
  RelpInput,
  SyslogInput,
  stdinBatches,
} from '../collector/index.js';
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_OPEN_FILES,
  DEFAULT_MULTILINE_TIMEOUT_MS,
  DEFAULT_POLL_INTERVAL_MS,
} from '../core/defaults.js';
import { UsageError, UserError } from '../core/errors.js';
import type { Batch, RawEvent } from '../core/events.js';
import { stderrLogger } from '../core/log.js';
import { encodeRawEvent, streamHeader } from '../core/ndjson.js';
import { defaultMultiline } from '../parser/index.js';
import { action, baseUrl, drained, hostPort, intFlag } from './common.js';
import { configFromFlags, dataDirFromFlags } from './config-flags.js';
import { serviceLogger, untilStopped } from './service.js';

interface CollectFlags {
  config?: string;
  set?: string[];
  to?: string;
  metricsHost: string;
  metricsPort: string;
  path: string[];
  exclude: string[];
  fromEnd?: boolean;
  checkpoint?: string;
  dataDir?: string;
  once?: boolean;
  format?: string;
  service?: string;
  pollInterval: string;
  maxLineBytes?: string;
  maxOpenFiles?: string;
  stdin?: boolean;
  syslogUdp?: string;
  syslogTcp?: string;
  relp?: string;
  multiline?: string;
  multilineStart?: string;
  multilineTimeout: string;
  quiet?: boolean;
}

function repeat(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers `logpipe collect`. */
export function register(program: Command): void {
  program
    .command('collect')
    .description('Tail log files and emit raw events as NDJSON')
    .option('-p, --path <glob>', 'file or glob to tail, ** allowed (repeatable)', repeat, [])
    .option('--to <url>', 'send batches over HTTP to the parser (or the store) instead of stdout')
    .option('-c, --config <file>', "with --to: run the config file's sources (files, syslog)")
    .option('--set <key=value>', 'with --to: override one config key (repeatable)', repeat, [])
    .option('--metrics-host <addr>', 'with --to: address of /healthz, /metrics, /status', '127.0.0.1')
    .option('--metrics-port <n>', 'with --to: port of /healthz, /metrics, /status (0: any)', '0')
    .option(
      '--exclude <glob>',
      'glob to leave out; without a slash it matches file names (repeatable)',
      repeat,
      [],
    )
    .option('--from-end', 'start files seen for the first time at their end, not their beginning')
    .option('--checkpoint <file>', 'checkpoint file (default <data-dir>/checkpoints/collect.json)')
    .option(
      '-d, --data-dir <dir>',
      'where logpipe keeps its data (env LOGPIPE_DATA_DIR; default ./logpipe-data)',
    )
    .option('--once', 'read what is there now, then exit')
    .option('--format <id>', 'parser hint stamped on every event')
    .option('--service <name>', 'service name stamped on every event')
    .option(
      '--poll-interval <ms>',
      'how often to look for new data and new files',
      String(DEFAULT_POLL_INTERVAL_MS),
    )
    .option('--max-line-bytes <n>', `cut longer lines and flag them (default ${DEFAULT_MAX_LINE_BYTES})`)
    .option(
      '--max-open-files <n>',
      `files held open at once; the others are closed while idle and read in turn (default ${DEFAULT_MAX_OPEN_FILES})`,
    )
    .option(
      '--multiline <mode>',
      'join multi-line events in files: auto (Java and Python traces), java, python, pattern or off (default: what --format implies: auto while the format is detected, off for one-line formats such as access logs and JSON)',
    )
    .option('--multiline-start <regex>', 'with --multiline pattern: what the first line of an event matches')
    .option(
      '--multiline-timeout <ms>',
      'emit a pending multi-line event after this quiet time',
      String(DEFAULT_MULTILINE_TIMEOUT_MS),
    )
    .option('--stdin', 'read lines from stdin (source "stdin")')
    .option('--syslog-udp <host:port>', 'receive syslog over UDP, e.g. 127.0.0.1:5514')
    .option('--syslog-tcp <host:port>', 'receive syslog over TCP (newline or octet-counting framing)')
    .option(
      '--relp <host:port>',
      "receive syslog over RELP (rsyslog's omrelp), each message answered once taken",
    )
    .option('-q, --quiet', 'no warnings on stderr')
    .addHelpText(
      'after',
      `
Output starts with a header line, then one raw event per line. The checkpoint moves only once
stdout has taken a batch, so a restart continues where the last run's output ended.

Examples:
  logpipe collect --path '/var/log/app/**/*.log' --exclude '*.gz' | logpipe parse | logpipe store
  logpipe collect --once --path access.log --format nginx_access
  logpipe collect --path 'app/*.log' --multiline java
  logpipe collect --syslog-udp 127.0.0.1:5514 --syslog-tcp 127.0.0.1:5514 | logpipe parse
  logpipe collect --config logpipe.yaml --to http://127.0.0.1:7281

With --to, each batch is POSTed to <url>/api/ingest with the data dir's link secret
(<data-dir>/secret, which the receiver must share) and acknowledged (the checkpoint moves) only
once the receiver answers 2xx, which it does after the store committed; failed deliveries are
retried with backoff, two requests at a time per source, which the store commits in the order
they were sent.`,
    )
    .action(action((flags: CollectFlags) => (flags.to !== undefined ? collectTo(flags) : collect(flags))));
}

/** Sources from the config (and --path flags) sent over HTTP, until SIGINT/SIGTERM. */
async function collectTo(flags: CollectFlags): Promise<void> {
  if (flags.stdin || flags.once) throw new UsageError('--to cannot be used with --stdin or --once');
  const to = baseUrl('to', flags.to!);
  let config = await configFromFlags(flags);
  if (flags.path.length > 0) {
    // --path flags add a file source to whatever the config names.
    const { validateConfig } = await import('../core/config.js');
    const extra = validateConfig({
      sources: [
        {
          type: 'file',
          paths: flags.path,
          exclude: flags.exclude,
          start_at: flags.fromEnd ? 'end' : 'beginning',
          poll_interval: `${intFlag('poll-interval', flags.pollInterval, 1)}ms`,
          ...(flags.maxOpenFiles ? { max_open_files: intFlag('max-open-files', flags.maxOpenFiles, 2) } : {}),
          ...(flags.format ? { format: flags.format } : {}),
          ...(flags.service ? { service: flags.service } : {}),
        },
      ],
    });
    config = { ...config, sources: [...config.sources, ...extra.sources] };
  }
  if (config.sources.length === 0) {
    throw new UsageError('collect --to needs sources: --config with a sources section, or --path');
  }
  const log = serviceLogger(config.data_dir, 'collector', flags.quiet);
  const { startCollectService } = await import('../pipeline/collect-service.js');
  const { loadLinkSecret } = await import('../core/link-secret.js');
  const service = await startCollectService({
    config,
    to,
    token: config.server.token,
    // Its batches name their identities: receivers take them only with the data dir's secret.
    linkSecret: loadLinkSecret(resolve(config.data_dir)),
    log,
    opsHost: flags.metricsHost,
    opsPort: intFlag('metrics-port', flags.metricsPort, 0, 65535)!,
  });
  log.info(`collector sending to ${flags.to}; status at ${service.url}/status`);
  const sig = await Promise.race([untilStopped(), service.done.then(() => 'sources ended')]);
  log.info(`${sig}: collector stopping`);
  await service.stop();
}

async function collect(flags: CollectFlags): Promise<void> {
  const syslog = [
    ...(flags.syslogUdp ? [{ protocol: 'udp' as const, ...hostPort('syslog-udp', flags.syslogUdp) }] : []),
    ...(flags.syslogTcp ? [{ protocol: 'tcp' as const, ...hostPort('syslog-tcp', flags.syslogTcp) }] : []),
  ];
  if (flags.path.length === 0 && !flags.stdin && syslog.length === 0 && flags.relp === undefined) {
    throw new UsageError(
      'collect needs at least one --path (or --stdin, --syslog-udp, --syslog-tcp, --relp)',
    );
  }
  if (flags.once && (syslog.length > 0 || flags.relp !== undefined))
    throw new UsageError('--once cannot be used with syslog inputs');
  if (flags.multilineStart && !flags.multiline)
    throw new UsageError('--multiline-start needs --multiline pattern');
  const log = stderrLogger({ quiet: flags.quiet });
  const onWarning = flags.quiet ? undefined : (m: string) => log.warn(m);
  const maxLineBytes = intFlag('max-line-bytes', flags.maxLineBytes, 1);
  const sources: AsyncGenerator<Batch<RawEvent>>[] = [];
  const stops: Array<() => void> = [];
  const closes: Array<() => Promise<void>> = [];
  let files: FileCollector | null = null;
  if (flags.path.length > 0) {
    const collector = new FileCollector({
      paths: flags.path,
      exclude: flags.exclude,
      startAt: flags.fromEnd ? 'end' : 'beginning',
      checkpointPath: resolve(
        flags.checkpoint ?? join(dataDirFromFlags(flags), 'checkpoints', 'collect.json'),
      ),
      pollIntervalMs: intFlag('poll-interval', flags.pollInterval, 1),
      maxLineBytes,
      maxOpenFiles: intFlag('max-open-files', flags.maxOpenFiles, 2),
      format: flags.format,
      service: flags.service,
      once: flags.once,
      multiline: multilineFrom(flags),
      // A first run has no checkpoint as a matter of course; a corrupt one still warns.
      warnIfNoCheckpoint: false,
      onWarning,
    });
    sources.push(collector.batches());
    stops.push(() => collector.stop());
    closes.push(() => collector.close());
    files = collector;
  }
  if (flags.stdin) {
    sources.push(stdinBatches({ maxLineBytes, format: flags.format, service: flags.service }));
    stops.push(() => process.stdin.destroy());
  }
  const listen = async (input: SyslogInput | RelpInput): Promise<void> => {
    await input.start();
    sources.push(input.batches());
    stops.push(() => input.stop());
    closes.push(() => input.close());
  };
  const taken = { maxLineBytes, format: flags.format, service: flags.service, onWarning };
  for (const s of syslog) await listen(new SyslogInput({ ...s, ...taken }));
  // A RELP message is answered once stdout has taken its batch (the ack of a pipe).
  if (flags.relp !== undefined) await listen(new RelpInput({ ...hostPort('relp', flags.relp), ...taken }));
  try {
    await pipeToStdout(sources.length === 1 ? sources[0] : mergeBatches(sources), () => {
      for (const stop of stops) stop();
    });
  } finally {
    for (const stop of stops) stop();
    for (const close of closes) await close();
  }
  // `--once` promises what is there now: anything it could not read makes it fail, by name.
  const unread = flags.once ? (files?.unread() ?? []) : [];
  if (unread.length > 0) {
    const named =
      unread.slice(0, 10).join(', ') + (unread.length > 10 ? `, and ${unread.length - 10} more` : '');
    throw new UserError(`--once could not read everything; not read: ${named}`);
  }
}

function multilineFrom(flags: CollectFlags): MultilineOptions | undefined {
  const timeoutMs = intFlag('multiline-timeout', flags.multilineTimeout, 0);
  if (!flags.multiline) {
    // Not asked: the format decides (stack traces joined where a format has them).
    const mode = defaultMultiline(flags.format);
    return mode ? { mode, timeoutMs } : undefined;
  }
  const mode = flags.multiline;
  if (mode === 'off') return undefined;
  if (mode !== 'auto' && mode !== 'java' && mode !== 'python' && mode !== 'pattern') {
    throw new UsageError(`--multiline expects auto, java, python, pattern or off, got "${mode}"`);
  }
  if (mode === 'pattern' && !flags.multilineStart)
    throw new UsageError('--multiline pattern needs --multiline-start');
  return { mode, start: flags.multilineStart, timeoutMs };
}

/**
 * Writes batches to stdout as NDJSON, acking each once stdout has taken it, and pausing on
 * backpressure; SIGINT/SIGTERM and a closed stdout stop the source via `stop`.
 */
export async function pipeToStdout(
  batches: AsyncGenerator<Batch<RawEvent>>,
  stop: () => void,
): Promise<void> {
  const out = process.stdout;
  let broken: Error | null = null;
  const onError = (err: Error) => {
    broken = err;
    stop();
  };
  const onSignal = () => stop();
  out.on('error', onError);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (!out.write(`${streamHeader('raw-events')}\n`)) await drained(out);
    for await (const b of batches) {
      if (broken) {
        b.ack(broken);
        continue;
      }
      let text = '';
      for (const e of b.events) text += `${encodeRawEvent(e)}\n`;
      const ok = out.write(text, (err) => b.ack(err ?? undefined));
      if (!ok) await drained(out);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
