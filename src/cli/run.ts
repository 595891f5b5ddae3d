/** `logpipe run`: the whole pipeline in one process, from a config file or the built-in demo. */
import type { Command } from 'commander';
import type { Logger } from '../core/log.js';
import { demoConfig } from '../pipeline/demo.js';
import type { PipelineStats } from '../pipeline/index.js';
import { action } from './common.js';
import { addConfigOptions, type ConfigFlags, configFromFlags } from './config-flags.js';
import { serviceLogger } from './service.js';

interface RunFlags extends ConfigFlags {
  quiet?: boolean;
}

/**
 * A stop ends within this: the pipeline gives up appends after STOP_APPENDS_WITHIN_MS (a full
 * disk), and should closing hang past this anyway, the process exits; what was not stored is
 * read again at the next start either way. A second signal exits at once.
 */
const STOP_BOUND_MS = 10_000;

/** The exit code of a stop cut short: 128 + the signal's number, as a shell reports it. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Stopping `logpipe run`: the first SIGINT or SIGTERM aborts `ac` (the pipeline finishes what
 * it read and closes), the second, or the bound, exits at once. Nothing is lost by that: a batch
 * is acknowledged only once its segment is fsynced, checkpoints follow acknowledgements, and the
 * store's next open finishes or clears what was half written (a segment, a partition, the
 * catalog's WAL), so the next start reads again what was not stored.
 */
export function stopOnSignals(ac: AbortController, log: Logger, boundMs = STOP_BOUND_MS): void {
  const now = (sig: string, why: string) => {
    log.info(`${why}stopping now; unfinished work is recovered at the next start`);
    process.exit(SIGNAL_EXIT[sig] ?? 1);
  };
  const stop = (sig: string) => {
    if (ac.signal.aborted) now(sig, '');
    log.info('stopping: finishing what was read and closing the store (Ctrl-C again to stop now)');
    ac.abort();
    setTimeout(() => now(sig, `not stopped within ${boundMs / 1000} s; `), boundMs).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('Run the whole pipeline in one process (generate, collect, parse, store, serve queries)');
  addConfigOptions(cmd)
    .option('-q, --quiet', 'no progress lines, errors only')
    .addHelpText(
      'after',
      `
Without --config, runs the built-in demo: two services' logs generated into <data-dir>/demo/,
tailed, parsed and stored, with the query API on 127.0.0.1:7280. Stop with Ctrl-C: what was read
is committed and checkpoints are written, so the next run carries on where this one stopped.
Queries over HTTP are answered until the store closes. A stop takes at most 10 s; a second
Ctrl-C stops at once. Either way nothing is lost: what was not stored is read again at the next
start, which finishes or clears what the stop left half written.

Examples:
  logpipe run
  logpipe run --config logpipe.yaml --set server.port=0
  logpipe query 'status>=500' --since 15m        (in another terminal)`,
    )
    .action(
      action(async (flags: RunFlags) => {
        const config = await configFromFlags(flags, demoConfig());
        const log = serviceLogger(config.data_dir, 'run', flags.quiet);
        const ac = new AbortController();
        stopOnSignals(ac, log);
        const started = Date.now();
        const { startPipeline } = await import('../pipeline/run.js');
        const pipeline = await startPipeline({
          config,
          signal: ac.signal,
          log,
          onReady: ({ url, dataDir }) => {
            log.info(`pipeline running; data in ${dataDir}; API at ${url}`);
            log.info(`try: logpipe query 'status>=500' --data-dir ${config.data_dir}   (Ctrl-C stops)`);
          },
        });
        let last = pipeline.stats();
        const ticker = flags.quiet
          ? null
          : setInterval(() => {
              const now = pipeline.stats();
              log.info(progressLine(now, last, 5, config.generators.length));
              last = now;
            }, 5000);
        await pipeline.done;
        if (ticker) clearInterval(ticker);
        const s = pipeline.stats();
        const unstored =
          s.writer.unstored > 0
            ? `; ${s.writer.unstored} not stored before the stop${s.storeFailure ? ` (${s.storeFailure})` : ''}: file sources read them again at the next start`
            : '';
        log.info(
          `stopped after ${((Date.now() - started) / 1000).toFixed(1)} s: ${config.generators.length > 0 ? `generated ${s.generated}, ` : ''}collected ${s.collected}, stored ${s.writer.stored} (${s.writer.duplicates} duplicates skipped)${unstored}`,
        );
      }),
    );
}

/**
 * One progress line: what moved in the last `seconds`. A pipeline without generators says
 * nothing of generating (a `generated 0 (0/s)` every few seconds is noise).
 */
export function progressLine(
  now: PipelineStats,
  last: PipelineStats,
  seconds: number,
  generators: number,
): string {
  const rate = (a: number, b: number) => Math.round((a - b) / seconds);
  const parts = [
    `collected ${now.collected} (${rate(now.collected, last.collected)}/s)`,
    `stored ${now.writer.stored} (${rate(now.writer.stored, last.writer.stored)}/s)`,
    `queued ${now.writer.queued}`,
  ];
  if (generators > 0) parts.unshift(`generated ${now.generated} (${rate(now.generated, last.generated)}/s)`);
  return parts.join('  ');
}
