/**
 * `logpipe up`: each component as its own supervised process — store, parser, collector and the
 * config's generators — linked over HTTP on 127.0.0.1, batches acknowledged only after the store
 * commits. The same config file as `logpipe run`.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Config } from '../core/config.js';
import { loadLinkSecret } from '../core/link-secret.js';
import { demoConfig } from '../pipeline/demo.js';
import type { ChildSpec } from '../pipeline/supervisor.js';
import { action, durationFlag } from './common.js';
import { addConfigOptions, type ConfigFlags, configFromFlags } from './config-flags.js';
import { serviceLogger } from './service.js';

interface UpFlags extends ConfigFlags {
  quiet?: boolean;
  stopTimeout: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('up')
    .description('Run each component as its own supervised process (store, parser, collector, generators)');
  addConfigOptions(cmd)
    .option('-q, --quiet', 'errors and restarts only')
    .option('--stop-timeout <duration>', 'how long each component gets to stop before it is killed', '10s')
    .addHelpText(
      'after',
      `
Starts the store, then the parser, then the collector, then the config's generators, each a
process of its own that waits for the one before it to answer /healthz. A component that dies
is restarted with backoff (0.25 s doubling to 10 s). Components do not take the terminal's
Ctrl-C (each runs in a process group of its own): Ctrl-C, or SIGTERM to up, stops them in reverse
order, so what is in flight reaches the store, each within --stop-timeout (then SIGKILL), with a
line for each saying how long it took. A second Ctrl-C kills them at once; nothing is lost, what
was in flight is read again at the next start. Batches travel over HTTP on 127.0.0.1 with the data dir's
link secret (<data-dir>/secret, made on first start), and count as delivered only once the
store has committed them. Each component serves /healthz, /metrics
(Prometheus) and /status; \`logpipe status\` prints them. Own logs: <data-dir>/logs/*.log.
Components stop by themselves when their supervisor dies (kill -9 included); components a
previous up of the data dir left running are stopped first, with a line naming them; another
up, or a \`logpipe run\`, still running on the data dir is refused.

Examples:
  logpipe up
  logpipe up --config logpipe.yaml
  logpipe status                 (in another terminal)`,
    )
    .action(action((flags: UpFlags) => up(flags)));
}

async function up(flags: UpFlags): Promise<void> {
  const config = await configFromFlags(flags, demoConfig());
  const stopTimeoutMs = durationFlag('stop-timeout', flags.stopTimeout);
  const dataDir = resolve(config.data_dir);
  mkdirSync(dataDir, { recursive: true });
  const log = serviceLogger(dataDir, 'up', flags.quiet);
  // What a killed supervisor left (its store holds the lock) is stopped before anything starts.
  const { stopLeftovers } = await import('../pipeline/leftovers.js');
  await stopLeftovers(dataDir, log);
  // Children read the resolved config (flags, env and demo defaults applied) from one file.
  const runDir = join(dataDir, 'up');
  mkdirSync(runDir, { recursive: true });
  const configFile = join(runDir, 'config.json');
  writeFileSync(configFile, `${JSON.stringify(config, null, 1)}\n`, { mode: 0o600 });
  chmodSync(configFile, 0o600);
  // The components' links carry the data dir's secret, which each reads from the data dir (never
  // from its command line): made here once, so none of them races to make it.
  loadLinkSecret(dataDir);

  // Every port a child binds is chosen at once, so no two children are given the same one.
  const ports = await freePorts(
    (config.server.port ? 0 : 1) + (config.sources.length > 0 ? 2 : 0) + config.generators.length,
  );
  const freePort = () => ports.pop() as number;
  const storePort = config.server.port || freePort();
  const storeHost = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host;
  const storeUrl = `http://${storeHost.includes(':') ? `[${storeHost}]` : storeHost}:${storePort}`;
  const children = childSpecs(config, configFile, storePort, storeUrl, freePort, flags.quiet);

  const { supervise } = await import('../pipeline/supervisor.js');
  const ac = new AbortController();
  const now = new AbortController();
  const stop = (sig: string) => {
    if (!ac.signal.aborted) {
      log.info(
        `${sig}: stopping components in reverse order, each within ${stopTimeoutMs / 1000} s (Ctrl-C again to stop now)`,
      );
      ac.abort();
    } else if (!now.signal.aborted) {
      log.info('stopping now; unfinished work is recovered at the next start');
      now.abort();
    }
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  log.info(`starting ${children.map((c) => c.name).join(', ')}; data in ${dataDir}`);
  // `../cli/`, not `./`: in the bundle this code sits in a chunk beside cli/ (scripts/build-cli.mjs).
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  await supervise({ cli, children, dataDir, log, signal: ac.signal, now: now.signal, stopTimeoutMs });
  log.info('all components stopped');
  if (now.signal.aborted) process.exitCode = 130;
}

function childSpecs(
  config: Config,
  configFile: string,
  storePort: number,
  storeUrl: string,
  freePort: () => number,
  quiet?: boolean,
): ChildSpec[] {
  const q = quiet ? ['--quiet'] : [];
  const specs: ChildSpec[] = [
    {
      name: 'store',
      args: ['store', '--serve', '--config', configFile, '--port', String(storePort), ...q],
      url: storeUrl,
      restart: 'always',
    },
  ];
  if (config.sources.length > 0) {
    const parserPort = freePort();
    const parserUrl = `http://127.0.0.1:${parserPort}`;
    const collectorPort = freePort();
    specs.push(
      {
        name: 'parser',
        args: [
          'parse',
          '--listen',
          `127.0.0.1:${parserPort}`,
          '--to',
          storeUrl,
          '--config',
          configFile,
          ...q,
        ],
        url: parserUrl,
        restart: 'always',
      },
      {
        name: 'collector',
        args: [
          'collect',
          '--config',
          configFile,
          '--to',
          parserUrl,
          '--metrics-port',
          String(collectorPort),
          ...q,
        ],
        url: `http://127.0.0.1:${collectorPort}`,
        restart: 'always',
      },
    );
  }
  for (const [i, g] of config.generators.entries()) {
    const port = freePort();
    const args = ['generate', '--format', g.format, '--rate', String(g.rate), '-o', g.path];
    if (g.count !== undefined) args.push('--count', String(g.count));
    if (g.duration !== undefined) args.push('--duration', g.duration);
    if (g.seed !== undefined) args.push('--seed', String(g.seed));
    args.push('--metrics-port', String(port));
    // A generator that finished its count is done; one that crashed starts again.
    specs.push({
      name: `generator ${g.name ?? i + 1}`,
      args,
      url: `http://127.0.0.1:${port}`,
      restart: 'on-failure',
    });
  }
  return specs;
}

/**
 * `n` distinct ports free now on 127.0.0.1, for children to bind. Each probe stays open until all
 * are chosen: a closed probe's port may be the next probe's, and two children given one port
 * fail (a generator was once given the parser's).
 */
export async function freePorts(n: number): Promise<number[]> {
  const probes: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      probes.push(
        await new Promise<Server>((resolveProbe, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolveProbe(srv));
        }),
      );
    }
    return probes.map((srv) => {
      const addr = srv.address();
      return typeof addr === 'object' && addr ? addr.port : 0;
    });
  } finally {
    await Promise.all(probes.map((srv) => new Promise((done) => srv.close(done))));
  }
}
