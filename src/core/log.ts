import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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

const LOG_FILE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * A component's own log: JSON lines (`ts`, `level`, `component`, `pid`, `msg`) appended to
 * `<dir>/<component>.log`, moved to `.log.1` past 10 MiB, plus readable lines on stderr (info
 * dropped when `quiet`). Kept apart from the user's data, so it is never collected or stored.
 */
export function componentLogger(dir: string, component: string, opts: { quiet?: boolean } = {}): Logger {
  const console = stderrLogger(opts);
  const path = join(dir, `${component}.log`);
  let fd: number | null = null;
  let size = 0;
  let broken = false;
  const write = (level: string, msg: string) => {
    if (broken) return;
    try {
      if (fd === null) {
        mkdirSync(dir, { recursive: true });
        fd = openSync(path, 'a');
        size = fstatSync(fd).size;
      }
      const line = `${JSON.stringify({ ts: new Date().toISOString(), level, component, pid: process.pid, msg })}\n`;
      size += writeSync(fd, line);
      if (size > LOG_FILE_MAX_BYTES) {
        closeSync(fd);
        fd = null;
        renameSync(path, `${path}.1`);
      }
    } catch {
      // A full or read-only disk must not stop the pipeline over its own diagnostics.
      broken = true;
    }
  };
  return {
    info: (m) => {
      write('info', m);
      console.info(m);
    },
    warn: (m) => {
      write('warn', m);
      console.warn(m);
    },
    error: (m) => {
      write('error', m);
      console.error(m);
    },
  };
}
