/** `logpipe generate`: write realistic logs at an exact rate, to stdout or a file. */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseDuration, parseTimePoint } from '../core/time.js';
import { groupDigits } from '../core/units.js';
import {
  GENERATOR_FORMATS,
  type GenerateOptions,
  type GeneratorSummary,
  generate,
} from '../generator/index.js';
import type { ComponentCounters } from '../server/ops.js';
import { action, intFlag } from './common.js';

interface GenerateFlags {
  metricsHost: string;
  metricsPort?: string;
  format: string;
  rate?: string;
  count?: string;
  duration?: string;
  seed?: string;
  startTime?: string;
  output?: string;
  summary?: boolean;
  files?: string;
  rotateSize?: string;
  rotateLines?: string;
  rotateInterval?: string;
  rotateMode: string;
  rotateKeep: string;
  syslog?: string;
  http?: string;
  manifest?: string;
  levels?: string;
  statuses?: string;
  burstEvery?: string;
  burstLength?: string;
  burstFactor?: string;
  burstErrorFactor?: string;
  blankLines?: string;
  overlongLines?: string;
  invalidUtf8?: string;
  overlongBytes?: string;
}

/** Registers `logpipe generate`. */
export function register(program: Command): void {
  program
    .command('generate')
    .description('Write realistic logs at an exact rate')
    .option('-f, --format <id>', `log format: ${GENERATOR_FORMATS.join(', ')}`, 'apache_combined')
    .option(
      '-r, --rate <n|max>',
      'lines per second (fractions allowed, e.g. 0.5), or max (default: max with --count alone, else 100)',
    )
    .option('-n, --count <n>', 'stop after this many lines')
    .option('-d, --duration <span>', 'stop after this long, e.g. 30s, 5m, 1h30m')
    .option('--seed <n>', 'seed for reproducible output (byte-identical together with --start-time)')
    .option(
      '--start-time <time>',
      'backfill: timestamps start here and advance at --rate without sleeping (ISO 8601, now, 2h)',
    )
    .option('-o, --output <file>', 'append to this file instead of stdout (- for stdout)')
    .option('--summary', 'print a one-line summary on stderr at the end (default when stderr is a terminal)')
    .option('--files <n>', 'spread lines over N files: -o app.log --files 3 writes app-1.log .. app-3.log')
    .option(
      '--syslog <url>',
      'send to syslog instead: udp://host:port (a datagram per line) or tcp://host:port',
    )
    .option('--http <url>', 'POST batches of lines (text/plain, newline-delimited) to this URL instead')
    .option('--manifest <file>', 'write a JSON manifest (lines, bytes, checksum per file) at the end')
    .option('--rotate-size <size>', 'rotate the output file at this size: 10m, 512k, 1g (1024 multiples)')
    .option('--rotate-lines <n>', 'rotate the output file after this many lines')
    .option('--rotate-interval <span>', 'rotate when event time enters a new interval: 1h, 15m')
    .option('--rotate-mode <mode>', 'rename (app.log -> app.log.1, new app.log) or copytruncate', 'rename')
    .option('--rotate-keep <n>', 'rotated pieces to keep (app.log.1 .. app.log.N)', '5')
    .option('--levels <weights>', 'level mix, e.g. debug=5,info=70,warn=20,error=5')
    .option('--statuses <weights>', 'HTTP status mix, e.g. 2xx=84,3xx=10,4xx=4.5,5xx=1.5')
    .option('--burst-every <span>', 'start a burst this often, e.g. 1m')
    .option('--burst-length <span>', 'how long each burst lasts, e.g. 5s')
    .option('--burst-factor <x>', 'rate multiplier during bursts, e.g. 10')
    .option('--burst-error-factor <x>', 'ERROR and 5xx weight multiplier during bursts (default 5; 1 = none)')
    .option('--blank-lines <pct>', 'noise: percent of lines replaced by empty lines')
    .option('--overlong-lines <pct>', 'noise: percent of lines padded to --overlong-bytes')
    .option('--overlong-bytes <size>', 'length of an overlong line (default 1100000)')
    .option('--invalid-utf8 <pct>', 'noise: percent of lines with invalid UTF-8 bytes in them')
    .option('--metrics-port <n>', 'serve /healthz, /metrics and /status on this port while running (0: any)')
    .option('--metrics-host <addr>', 'address for --metrics-port', '127.0.0.1')
    .addHelpText(
      'after',
      `
Examples:
  logpipe generate --count 10                                   ten apache_combined lines to stdout
  logpipe generate --format json --rate 500 --duration 1m -o app.log
  logpipe generate --rate max --count 1000000 -o /tmp/big.log   as fast as the disk takes it
  logpipe generate --seed 42 --start-time 2026-01-01T00:00:00Z --rate 10 --count 86400
                                                                a reproducible day at 10 lines/s
  logpipe generate -f java -o app.log --rotate-size 10m --rotate-keep 3 --manifest app.manifest.json
  logpipe generate -f syslog_rfc5424 --syslog udp://127.0.0.1:5514 --rate 1000
  logpipe generate --rate 100 --burst-every 1m --burst-length 5s --burst-factor 20
Without --count or --duration it runs until interrupted (Ctrl-C stops cleanly).
See docs/generator.md for every format, the rate semantics and the manifest.`,
    )
    .exitOverride((err) => {
      // Commander has printed its one-line message; bad usage exits 2 like every UsageError.
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(action((flags: GenerateFlags) => runGenerate(flags)));
}

async function runGenerate(flags: GenerateFlags): Promise<void> {
  const opts = toOptions(flags);
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const tty = Boolean(process.stderr.isTTY);
  let progressShown = false;
  // Under logpipe up (or on request), what has been written so far, for /status and /metrics.
  const ops = flags.metricsPort !== undefined ? await serveOps(flags) : null;
  if (tty || ops) {
    opts.onProgress = (s) => {
      if (ops) {
        ops.counters.events_out = s.lines;
        ops.counters.bytes_out = s.bytes;
      }
      if (!tty) return;
      progressShown = true;
      process.stderr.write(`\r\x1b[K${describe(s)}`);
    };
  }
  try {
    const summary = await generate({ ...opts, signal: ac.signal });
    if (progressShown) process.stderr.write('\r\x1b[K');
    if (tty || flags.summary) process.stderr.write(`${describe(summary)}\n`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ops?.stop();
  }
}

/** Serves the ops routes over the generator's counters. */
async function serveOps(
  flags: GenerateFlags,
): Promise<{ counters: ComponentCounters; stop(): Promise<void> }> {
  const port = intFlag('metrics-port', flags.metricsPort, 0, 65535)!;
  // Loaded only when asked for: a plain `generate` starts without the HTTP stack.
  const [{ Hono }, { addOpsRoutes, newCounters }, { serveApp }] = await Promise.all([
    import('hono'),
    import('../server/ops.js'),
    import('../server/serve.js'),
  ]);
  const counters = newCounters('generator');
  const app = new Hono();
  addOpsRoutes(app, { counters: () => [counters] });
  const served = await serveApp(app, flags.metricsHost, port, 'generate --metrics-port');
  return { counters, stop: () => served.stop() };
}

/** Translates flags into library options, naming the flag on any bad value. */
function toOptions(flags: GenerateFlags): GenerateOptions {
  if (!GENERATOR_FORMATS.includes(flags.format)) {
    throw new UsageError(
      `--format: unknown format "${flags.format}": expected one of ${GENERATOR_FORMATS.join(', ')}`,
    );
  }
  let rate: number | 'max';
  // `--count N` alone means "N lines, now": pipes and tests want them at once. A stream with no
  // end, or a duration, gets a steady 100 lines/s unless told otherwise.
  if (flags.rate === undefined)
    rate = flags.count !== undefined && flags.duration === undefined ? 'max' : 100;
  else if (flags.rate === 'max') rate = 'max';
  else {
    rate = Number(flags.rate);
    if (!flags.rate.trim() || !Number.isFinite(rate) || rate <= 0) {
      throw new UsageError(
        `--rate expects a positive number of lines per second or "max", got "${flags.rate}"`,
      );
    }
  }
  const seed = flags.seed === undefined ? undefined : Number(flags.seed);
  if (seed !== undefined && (!flags.seed!.trim() || !Number.isSafeInteger(seed))) {
    throw new UsageError(`--seed expects a whole number, got "${flags.seed}"`);
  }
  const durationMs = flags.duration === undefined ? undefined : durationFlag('duration', flags.duration);
  let startTime: number | undefined;
  if (flags.startTime !== undefined) {
    try {
      startTime = Math.floor(parseTimePoint(flags.startTime) / 1000);
    } catch (err) {
      throw new UsageError(`--start-time: ${(err as Error).message}`);
    }
  }
  const outputs = [flags.output, flags.syslog, flags.http].filter((x) => x !== undefined);
  if (outputs.length > 1) throw new UsageError('choose one of --output, --syslog and --http');
  let output: GenerateOptions['output'];
  if (flags.syslog !== undefined) output = { kind: 'syslog', url: flags.syslog };
  else if (flags.http !== undefined) output = { kind: 'http', url: flags.http };
  else if (flags.output === undefined || flags.output === '-') output = { kind: 'stdout' };
  else output = { kind: 'file', path: flags.output };
  const files = intFlag('files', flags.files, 1);
  if (files !== undefined && files > 1 && output.kind !== 'file')
    throw new UsageError('--files needs --output FILE');
  const opts: GenerateOptions = {
    format: flags.format,
    rate,
    count: intFlag('count', flags.count, 0),
    durationMs,
    seed,
    startTime,
    output,
    files,
    manifest: flags.manifest,
  };
  if (flags.rotateSize ?? flags.rotateLines ?? flags.rotateInterval) {
    if (output.kind !== 'file') throw new UsageError('rotation (--rotate-*) needs --output FILE');
    if (flags.rotateMode !== 'rename' && flags.rotateMode !== 'copytruncate') {
      throw new UsageError(`--rotate-mode expects rename or copytruncate, got "${flags.rotateMode}"`);
    }
    opts.rotate = {
      maxBytes: flags.rotateSize === undefined ? undefined : sizeFlag('rotate-size', flags.rotateSize),
      maxLines: intFlag('rotate-lines', flags.rotateLines, 1),
      intervalMs:
        flags.rotateInterval === undefined
          ? undefined
          : durationFlag('rotate-interval', flags.rotateInterval),
      mode: flags.rotateMode,
      keep: intFlag('rotate-keep', flags.rotateKeep, 1)!,
    };
  }
  if (flags.levels !== undefined) {
    opts.levelWeights = weightsFlag('levels', flags.levels, ['debug', 'info', 'warn', 'error']);
  }
  if (flags.statuses !== undefined) {
    opts.statusWeights = weightsFlag('statuses', flags.statuses, ['2xx', '3xx', '4xx', '5xx']);
  }
  const burstFlags = [flags.burstEvery, flags.burstLength, flags.burstFactor];
  if (burstFlags.some((x) => x !== undefined)) {
    if (burstFlags.some((x) => x === undefined)) {
      throw new UsageError('bursts need all of --burst-every, --burst-length and --burst-factor');
    }
    if (rate === 'max') throw new UsageError('bursts need a numeric --rate');
    const everyMs = durationFlag('burst-every', flags.burstEvery!);
    const lengthMs = durationFlag('burst-length', flags.burstLength!);
    if (lengthMs >= everyMs) throw new UsageError('--burst-length must be shorter than --burst-every');
    opts.burst = { everyMs, lengthMs, factor: numberFlag('burst-factor', flags.burstFactor!, 0) };
  }
  if (flags.burstErrorFactor !== undefined) {
    opts.burstErrorFactor = numberFlag('burst-error-factor', flags.burstErrorFactor, 1, true);
  }
  if (flags.blankLines ?? flags.overlongLines ?? flags.invalidUtf8 ?? flags.overlongBytes) {
    opts.noise = {
      blank: percentFlag('blank-lines', flags.blankLines),
      overlong: percentFlag('overlong-lines', flags.overlongLines),
      invalidUtf8: percentFlag('invalid-utf8', flags.invalidUtf8),
      overlongBytes:
        flags.overlongBytes === undefined ? undefined : sizeFlag('overlong-bytes', flags.overlongBytes),
    };
  }
  return opts;
}

function durationFlag(name: string, value: string): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new UsageError(`--${name} must be longer than 0, got "${value}"`);
  return ms;
}

function numberFlag(name: string, value: string, min: number, inclusive = false): number {
  const n = Number(value);
  if (!value.trim() || !Number.isFinite(n) || n < min || (!inclusive && n === min)) {
    throw new UsageError(`--${name} expects a number ${inclusive ? '>=' : '>'} ${min}, got "${value}"`);
  }
  return n;
}

/** `1.5` or `1.5%`: a percentage, returned as a fraction. */
function percentFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = value.trim().replace(/%$/, '');
  const n = Number(t);
  if (!t || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--${name} expects a percentage from 0 to 100, got "${value}"`);
  }
  return n / 100;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512`, `64k`, `10m`, `1g` (also `10MB`, `10MiB`): bytes, in 1024 multiples as logrotate counts. */
function sizeFlag(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  const n = m ? Math.floor(Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()]) : Number.NaN;
  if (!(n >= 1)) throw new UsageError(`--${name} expects a size such as 512k, 10m or 1g, got "${value}"`);
  return n;
}

/** `info=70,warn=20`: named weights, each name from `known`. */
function weightsFlag<K extends string>(
  name: string,
  value: string,
  known: readonly K[],
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const part of value.split(',')) {
    const [k, v, ...rest] = part.split('=').map((x) => x.trim());
    const n = Number(v);
    if (!known.includes(k as K) || !v || rest.length > 0 || !Number.isFinite(n) || n < 0) {
      throw new UsageError(
        `--${name} expects name=weight pairs with names from ${known.join(', ')}, e.g. ${known[0]}=5; got "${part}"`,
      );
    }
    out[k as K] = n;
  }
  return out;
}

/** `12,000 lines, 2.5 MB in 12.00 s (1,000 lines/s)`. */
function describe(s: GeneratorSummary): string {
  return (
    `${groupDigits(s.lines)} lines, ${formatBytes(s.bytes)} in ${(s.elapsedMs / 1000).toFixed(2)} s ` +
    `(${groupDigits(Math.round(s.rate))} lines/s)`
  );
}

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
