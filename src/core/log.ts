/**
 * logpipe's own diagnostics (never mixed into the user's data): one line per message on stderr.
 * A Logger is passed down so tests can capture what a component reports.
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Writes `logpipe: [level] message` lines to stderr; info is dropped when `quiet`. */
export function stderrLogger(opts: { quiet?: boolean } = {}): Logger {
  const write = (level: string, msg: string) => process.stderr.write(`logpipe: ${level}${msg}\n`);
  return {
    info: opts.quiet ? () => {} : (m) => write('', m),
    warn: (m) => write('warning: ', m),
    error: (m) => write('error: ', m),
  };
}

/** A logger that keeps messages in memory, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}
