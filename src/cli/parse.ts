/**
 * `logpipe parse`: log lines (or collector NDJSON) on stdin to LogEvents as NDJSON on stdout.
 * Plain lines get their identity here (source, a per-run generation, byte offsets); collector
 * output (a raw-events header first) keeps its own. Output goes out in batches with backpressure,
 * and a closed stdout (`| head`) ends the command quietly.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MAX_LINE_BYTES } from '../core/defaults.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { encodeLogEvent, streamHeader } from '../core/ndjson.js';
import type { ParserConfig } from '../core/parse-config.js';
import { PARSER_FORMATS } from '../parser/index.js';
import { type InputKind, readEventBatches, tooLongError } from '../pipeline/read-events.js';
import { action, baseUrl, drained, hostPort, intFlag } from './common.js';
import { addConfigOptions, type ConfigFlags, configFromFlags } from './config-flags.js';
import { serviceLogger, untilStopped } from './service.js';

interface ParseFlags extends ConfigFlags {
  listen?: string;
  to?: string;
  quiet?: boolean;
  format: string;
  service?: string;
  timezone?: string;
  patterns?: string;
  source: string;
  input: string;
  maxLineBytes?: string;
}

const INPUTS = ['auto', 'lines', 'raw'];

/** Registers `logpipe parse`. */
export function register(program: Command): void {
  const cmd = program
    .command('parse')
    .description('Parse log lines (or collector NDJSON) into events as NDJSON');
  addConfigOptions(cmd)
    .option('--listen <[host:]port>', 'serve: take raw-event batches over HTTP instead of stdin')
    .option('--to <url>', 'with --listen: the store to pass parsed batches to, e.g. http://127.0.0.1:7280')
    .option('-q, --quiet', 'with --listen: errors only on stderr')
    .option('-f, --format <id>', `parser: auto, or one of ${PARSER_FORMATS.join(', ')}`, 'auto')
    .option('--service <name>', 'service for events whose line names none')
    .option(
      '--timezone <zone>',
      'zone for timestamps without an offset: UTC (default), +02:00, Europe/Berlin',
    )
    .option(
      '--patterns <file>',
      'YAML with user patterns (keys: timezone, grok_patterns, patterns; see docs/parsing.md)',
    )
    .option('--source <name>', 'source id for plain lines', 'stdin')
    .option('--input <kind>', 'auto (detect the raw-events header), lines, or raw (collector NDJSON)', 'auto')
    .option(
      '--max-line-bytes <n>',
      `cut longer plain lines and flag them; collector NDJSON may carry lines this long (default ${DEFAULT_MAX_LINE_BYTES}, as collect)`,
    )
    .addHelpText(
      'after',
      `
Examples:
  tail -n 1000 access.log | logpipe parse --format apache_combined
  logpipe parse --patterns patterns.yaml --timezone Europe/Berlin < app.log
  logpipe collect ... | logpipe parse | logpipe store --data-dir D
  logpipe parse --listen 127.0.0.1:7281 --to http://127.0.0.1:7280 --config logpipe.yaml

With --listen, the parser is a service (a process of logpipe up, or a container): POST
/api/ingest takes a raw-events batch (logpipe collect --to, with the data dir's link secret;
plain lines from anyone), and the answer is the store's, given once the store has committed
the batch. The parse section of --config applies.`,
    )
    .action(
      action((flags: ParseFlags) => (flags.listen !== undefined ? serveParse(flags) : runParse(flags))),
    );
}

/** Reads and checks a patterns file; every problem is a ConfigError naming the key. */
async function readPatterns(file: string): Promise<ParserConfig> {
  // Through config.ts's static import of `yaml`: a dynamic import of that CommonJS
  // package has only a default export inside the bundle (scripts/build-cli.mjs).
  const [{ readYamlFile }, { ParserConfigSchema }] = await Promise.all([
    import('../core/config.js'),
    import('../core/parse-config.js'),
  ]);
  const doc = readYamlFile(file);
  const r = ParserConfigSchema.safeParse(doc ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
  throw new ConfigError(`parse${key}`, `${issue.message} (in ${file})`);
}

/** The parser as a service: batches in over HTTP, parsed, passed to the store. */
async function serveParse(flags: ParseFlags): Promise<void> {
  if (!flags.to) throw new UsageError('--listen needs --to <store url>');
  const to = baseUrl('to', flags.to);
  const config = await configFromFlags(flags);
  const { host, port } = hostPort('listen', flags.listen!);
  const { requireTokenBeyondLoopback } = await import('../server/serve.js');
  requireTokenBeyondLoopback(host, config.server.token);
  const log = serviceLogger(config.data_dir, 'parser', flags.quiet);
  const [{ startParseService }, { parserOptions }] = await Promise.all([
    import('../pipeline/parse-service.js'),
    import('../pipeline/parser-options.js'),
  ]);
  const base = parserOptions(config.parse);
  const cfg = flags.patterns !== undefined ? await readPatterns(flags.patterns) : undefined;
  const { loadLinkSecret } = await import('../core/link-secret.js');
  const service = await startParseService({
    host,
    port,
    to,
    token: config.server.token,
    // Required of the collector's raw lines, sent on to the store: both share this data dir.
    linkSecret: loadLinkSecret(resolve(config.data_dir)),
    parser: {
      ...base,
      ...(flags.timezone ? { timezone: flags.timezone } : {}),
      ...(cfg ? { patterns: cfg.patterns, grokPatterns: cfg.grok_patterns } : {}),
      ...(flags.format !== 'auto' ? { format: flags.format } : {}),
      ...(flags.service ? { service: flags.service } : {}),
    },
    log,
  });
  log.info(`parser serving ${service.url}, passing batches to ${flags.to}`);
  const sig = await untilStopped();
  log.info(`${sig}: parser stopping`);
  await service.stop();
}

async function runParse(flags: ParseFlags): Promise<void> {
  if (!INPUTS.includes(flags.input)) {
    throw new UsageError(`--input expects one of ${INPUTS.join(', ')}, got "${flags.input}"`);
  }
  const maxLineBytes = intFlag('max-line-bytes', flags.maxLineBytes, 1);
  const cfg = flags.patterns !== undefined ? await readPatterns(flags.patterns) : undefined;
  const out = process.stdout;
  let closed = false;
  out.on('error', (err: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): stop quietly. Anything else is worth a line on stderr.
    if (err.code !== 'EPIPE') process.stderr.write(`logpipe: stdout: ${err.message}\n`);
    closed = true;
  });
  const tooLong: number[] = [];
  const batches = readEventBatches(process.stdin, {
    input: flags.input as InputKind,
    format: flags.format,
    service: flags.service,
    source: flags.source,
    parser: {
      timezone: flags.timezone ?? cfg?.timezone ?? 'UTC',
      patterns: cfg?.patterns,
      grokPatterns: cfg?.grok_patterns,
    },
    refuseEvents: true,
    onBadLine: (n, reason) =>
      process.stderr.write(`logpipe: stdin line ${n}: ${reason}; passed on as an unknown line\n`),
    maxLineBytes,
    onTooLong: (n, limit) => {
      tooLong.push(n);
      process.stderr.write(
        `logpipe: stdin line ${n}: an NDJSON record longer than ${limit} bytes; not passed on\n`,
      );
    },
  });
  if (!out.write(`${streamHeader('log-events')}\n`)) await drained(out);
  for await (const parsed of batches) {
    if (closed) break;
    let text = '';
    for (const e of parsed) text += `${encodeLogEvent(e)}\n`;
    if (!out.write(text)) await drained(out);
  }
  if (tooLong.length > 0) throw tooLongError(tooLong);
}
