/**
 * What the output of a command is written for: a terminal (its width, colours, the local zone)
 * or a pipe/file (no width, no colours, UTC). Decided once per command from its stdout, its
 * flags and the environment.
 */
import { chooseTimeZone, type TimeFormatter, timeFormatter } from './times.js';

export interface OutputView {
  /** stdout is a terminal. */
  tty: boolean;
  /** Columns to fit tables to; undefined when nothing limits them (a pipe without COLUMNS). */
  width: number | undefined;
  color: boolean;
  times: TimeFormatter;
}

/** Columns assumed when a terminal reports none (a pty with no size set says 0×0). */
export const FALLBACK_WIDTH = 80;

/** The view for `out` (process.stdout) under the flags `--no-color` and `--tz`. */
export function outputView(
  out: { isTTY?: boolean; columns?: number },
  flags: { color?: boolean; tz?: string; configTz?: string },
  env: NodeJS.ProcessEnv = process.env,
): OutputView {
  const tty = out.isTTY === true;
  const envColumns = Number(env.COLUMNS);
  const fromEnv = Number.isInteger(envColumns) && envColumns > 0 ? envColumns : undefined;
  const columns = tty && typeof out.columns === 'number' && out.columns > 0 ? out.columns : undefined;
  const width = tty ? (columns ?? fromEnv ?? FALLBACK_WIDTH) : fromEnv;
  const color = tty && flags.color !== false && !env.NO_COLOR;
  const zone = chooseTimeZone({ flag: flags.tz, config: flags.configTz, env, tty });
  return { tty, width, color, times: timeFormatter(zone) };
}
