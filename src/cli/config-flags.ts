/** The flags every config-reading command shares: --config, --data-dir, --set key=value. */
import type { Command } from 'commander';
import type { Config } from '../core/config.js';
import { UsageError } from '../core/errors.js';

export interface ConfigFlags {
  config?: string;
  dataDir?: string;
  set?: string[];
}

/** Adds --config, --data-dir and --set to a command. */
export function addConfigOptions(cmd: Command, opts: { config?: boolean } = { config: true }): Command {
  if (opts.config) cmd.option('-c, --config <file>', 'YAML config file (default: the built-in demo)');
  return cmd
    .option(
      '-d, --data-dir <dir>',
      'where logpipe keeps its data (env LOGPIPE_DATA_DIR; default ./logpipe-data)',
    )
    .option(
      '--set <key=value>',
      'override one config key, e.g. --set server.port=8080 (repeatable)',
      collect,
      [],
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Loads the config the flags describe; flags beat LOGPIPE_* env vars, which beat the file. The
 * config module (YAML and the schema library, half of the CLI's start-up) loads only here, so a
 * command that reads no config starts without it. Every format, zone, pattern, directory and
 * port it names is checked (pipeline/check-config.ts) before the command starts anything.
 */
export async function configFromFlags(flags: ConfigFlags, base?: unknown): Promise<Config> {
  const [{ loadConfig, parseScalar }, { checkConfig }] = await Promise.all([
    import('../core/config.js'),
    import('../pipeline/check-config.js'),
  ]);
  const overrides: Record<string, unknown> = {};
  for (const kv of flags.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got "${kv}"`);
    overrides[kv.slice(0, eq)] = parseScalar(kv.slice(eq + 1));
  }
  if (flags.dataDir) overrides.data_dir = flags.dataDir;
  const config = loadConfig({
    file: flags.config,
    base: flags.config ? undefined : base,
    env: process.env,
    overrides,
  });
  checkConfig(config);
  return config;
}

/** The data dir from flags and env alone, for commands that need no config file. */
export function dataDirFromFlags(flags: { dataDir?: string }): string {
  return flags.dataDir ?? process.env.LOGPIPE_DATA_DIR ?? './logpipe-data';
}
