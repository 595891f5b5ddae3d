/**
 * The settings of the commands that show stored data (query, tail, fields, status): the data dir
 * and the zone times are shown in, from flags, the environment and, when `--config` names one, a
 * config file (whose module loads only then: it is half of the CLI's start-up).
 */
import type { Command } from 'commander';
import { configFromFlags, dataDirFromFlags } from '../config-flags.js';
import { type OutputView, outputView } from './view.js';

export interface DisplayFlags {
  config?: string;
  dataDir?: string;
  tz?: string;
  color?: boolean;
}

/** Adds `--tz` and `--config` to a command that shows times. */
export function addDisplayOptions(cmd: Command): Command {
  return cmd
    .option(
      '--tz <zone>',
      'show times in this zone: an IANA name (Europe/Paris), UTC or local (default: local on a terminal, UTC in a pipe; also TZ, display.timezone)',
    )
    .option('-c, --config <file>', 'take data_dir and display.timezone from this config file');
}

/** The data dir and output view for a command's flags. */
export async function displaySettings(
  flags: DisplayFlags,
  out: { isTTY?: boolean; columns?: number } = process.stdout,
): Promise<{ dataDir: string; view: OutputView }> {
  let dataDir = dataDirFromFlags(flags);
  let configTz = process.env.LOGPIPE_DISPLAY__TIMEZONE || undefined;
  if (flags.config !== undefined) {
    const config = await configFromFlags({ config: flags.config, dataDir: flags.dataDir });
    dataDir = config.data_dir;
    configTz = config.display.timezone;
  }
  return { dataDir, view: outputView(out, { color: flags.color, tz: flags.tz, configTz }) };
}
