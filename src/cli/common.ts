/** What every command shares: the error edge, the global flags, and stdout helpers. */
import { isUserError, QueryError, UsageError } from '../core/errors.js';
import { parseDuration, parseTimeArgument } from '../core/time.js';
import { MAX_WHOLE, rangeText, wholeNumber } from '../core/whole-numbers.js';

let verbose = false;

/** Turns on stack traces for every error (the global `--verbose` flag). */
export function setVerbose(on: boolean): void {
  verbose = on;
}

/**
 * Wraps a command's action: user errors become one readable line and exit code 2, anything else
 * exit code 1 with the stack shown only under --verbose.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      reportError(err);
      process.exitCode = isUserError(err) ? 2 : 1;
    }
  };
}

/** Prints an error the way the CLI does everywhere. */
export function reportError(err: unknown): void {
  if (err instanceof QueryError) {
    process.stderr.write(
      `logpipe: query error: ${err.message}\n  ${err.pointer().split('\n').join('\n  ')}\n`,
    );
  } else if (isUserError(err)) {
    process.stderr.write(`logpipe: ${err.message}\n`);
  } else {
    // Our message is the readable line; what the engine or the system said (`IO Error: …`) and
    // the stack are details for --verbose.
    const e = err as Error;
    process.stderr.write(`logpipe: ${e?.message ?? String(err)}\n`);
    if (verbose) {
      if (e?.cause instanceof Error) process.stderr.write(`  caused by: ${e.cause.message}\n`);
      if (e?.stack) process.stderr.write(`${e.stack}\n`);
    } else process.stderr.write('  (run with --verbose for details)\n');
  }
}

/** Waits until `out` may be written again, or is gone (closed, failed): never hangs on a dead pipe. */
export function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}

/**
 * A whole-number flag from `min` to `max` (decimal digits), or a UsageError naming the flag and
 * the range. `max` defaults to the largest number held exactly (core/whole-numbers.ts).
 */
export function intFlag(
  name: string,
  value: string | undefined,
  min = 0,
  max = MAX_WHOLE,
): number | undefined {
  if (value === undefined) return undefined;
  const n = wholeNumber(value, min, max);
  if (n === null) {
    throw new UsageError(
      `--${name} expects a whole number >= ${min}, got "${value}"; the range is ${rangeText(min, max)}`,
    );
  }
  return n;
}

/** A duration flag (`10s`, `500ms`, `1m`) in ms, or a UsageError naming the flag. */
export function durationFlag(name: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

/** A time flag (`--since 15m`, `--from 2026-01-02`): epoch µs, or a UsageError naming the flag. */
export function timeFlag(name: string, value: string, nowMs: number): number {
  return parseTimeArgument(`--${name}`, value, nowMs);
}

/** `host:port` (or a bare port, on 127.0.0.1) from a flag; a bad one is a UsageError naming the flag. */
export function hostPort(flag: string, value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  const host = i > 0 ? value.slice(0, i).replace(/^\[|\]$/g, '') : '127.0.0.1';
  const port = Number(i >= 0 ? value.slice(i + 1) : value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--${flag} expects host:port (or a port), got "${value}"`);
  }
  return { host, port };
}

/** An http(s) base URL from a flag, without a trailing slash; a bad one is a UsageError naming the flag. */
export function baseUrl(flag: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`--${flag} expects a URL such as http://127.0.0.1:7280, got "${value}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`--${flag} expects an http:// or https:// URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}
