/** Level normalisation: every spelling seen in the wild mapped onto `trace..fatal` or `unknown`. */
import type { Level } from './events.js';

const TABLE: Record<string, Level> = Object.create(null);
function add(level: Level, ...names: string[]): void {
  for (const n of names) TABLE[n] = level;
}
add('trace', 'trace', 'trc', 'finest', 'finer', 'verbose', 'v', 't');
add('debug', 'debug', 'dbg', 'debu', 'fine', 'config', 'd');
add('info', 'info', 'inf', 'information', 'informational', 'notice', 'i', 'n');
add('warn', 'warn', 'warning', 'wrn', 'w');
add('error', 'error', 'err', 'eror', 'e', 'severe');
add('fatal', 'fatal', 'ftl', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'panic', 'f', 'c', 'a');

/** Maps a level word (any case, surrounding spaces and brackets ignored) to a Level. */
export function normaliseLevel(raw: string | undefined | null): Level {
  if (!raw) return 'unknown';
  const direct = TABLE[raw];
  if (direct !== undefined) return direct;
  const key = raw
    .trim()
    .replace(/^[[(<]+|[\])>:]+$/g, '')
    .toLowerCase();
  return TABLE[key] ?? 'unknown';
}

/** Syslog severity (0 emerg .. 7 debug) to a Level. */
export function levelFromSyslogSeverity(severity: number): Level {
  if (severity <= 2) return 'fatal';
  if (severity === 3) return 'error';
  if (severity === 4) return 'warn';
  if (severity <= 6) return 'info';
  if (severity === 7) return 'debug';
  return 'unknown';
}

/** Access logs: 5xx is an error, 4xx a warning, anything else info. */
export function levelFromHttpStatus(status: number): Level {
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  if (status >= 100) return 'info';
  return 'unknown';
}
