/**
 * Multi-line joining: stack traces and other events that span lines become one RawEvent. A line
 * that starts an event ends the one before; continuation lines are appended with `\n`. Built-in
 * rules for Java (`\tat …`, `Caused by:`, `... 3 more`, exception class lines) and Python
 * (`Traceback (most recent call last):`, indented frames, the final `ValueError: …`), both
 * (`auto`: what `logpipe store --import` uses unless told otherwise), or a user `start` pattern. The joiner holds at most one pending event per file; the caller flushes
 * it after a quiet timeout and at shutdown, and keeps the checkpoint before its first line.
 */
import { DEFAULT_MULTILINE_MAX_LINES, DEFAULT_MULTILINE_TIMEOUT_MS } from '../core/defaults.js';
import { ConfigError } from '../core/errors.js';
import type { RawEvent } from '../core/events.js';

/** How lines are joined; see docs/collecting.md. */
export interface MultilineOptions {
  mode: 'auto' | 'java' | 'python' | 'pattern';
  /** With `pattern`: a regular expression matching the first line of an event. */
  start?: string;
  /** A pending event is emitted after this long without a new line. Default 1000. */
  timeoutMs?: number;
  /** Lines per joined event, at most; the rest are dropped and the event flagged. Default 500. */
  maxLines?: number;
}

/** A compiled rule: true when `line` continues the pending event. */
export type ContinuationRule = (line: string, j: Joiner) => boolean;

/** One file's joining state: plain data, owned by that file's tailer. */
export interface Joiner {
  rule: ContinuationRule;
  pending: RawEvent | null;
  lines: number;
  bytes: number;
  /** The pending event hit a limit: further continuation lines are dropped. */
  cutting: boolean;
  /** Epoch ms of the last line joined or started. */
  lastAt: number;
  /** Python: inside a traceback, and whether the previous line was indented. */
  inTrace: boolean;
  prevIndented: boolean;
  maxLines: number;
  maxBytes: number;
  /** Lines dropped past a limit (counted, the event is flagged `truncated`). */
  dropped: number;
  /** Joined events cut at a limit. */
  cut: number;
  /**
   * A line of this source has continued another. Until one has, the source's last event goes out
   * as soon as the source is read to its end (no stack traces seen: nothing to wait for); from
   * then on it waits for the timeout, since the next line may continue it.
   */
  joined: boolean;
}

/** Checks the options and compiles the rule once; throws ConfigError naming a bad key. */
export function compileMultiline(opts: MultilineOptions): {
  rule: ContinuationRule;
  timeoutMs: number;
  maxLines: number;
} {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_MULTILINE_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) {
    throw new ConfigError('multiline.timeoutMs', `expected a whole number >= 0, got ${opts.timeoutMs}`);
  }
  const maxLines = opts.maxLines ?? DEFAULT_MULTILINE_MAX_LINES;
  if (!Number.isSafeInteger(maxLines) || maxLines < 1) {
    throw new ConfigError('multiline.maxLines', `expected a whole number >= 1, got ${opts.maxLines}`);
  }
  switch (opts.mode) {
    case 'java':
      return { rule: javaContinues, timeoutMs, maxLines };
    case 'python':
      return { rule: pythonContinues, timeoutMs, maxLines };
    case 'auto':
      return { rule: autoContinues, timeoutMs, maxLines };
    case 'pattern': {
      if (!opts.start) throw new ConfigError('multiline.start', 'mode "pattern" needs a start pattern');
      let re: RegExp;
      try {
        re = new RegExp(opts.start);
      } catch (err) {
        throw new ConfigError('multiline.start', `not a valid regular expression: ${(err as Error).message}`);
      }
      return { rule: (line) => !re.test(line), timeoutMs, maxLines };
    }
    default:
      throw new ConfigError(
        'multiline.mode',
        `expected "auto", "java", "python" or "pattern", got ${JSON.stringify(opts.mode)}`,
      );
  }
}

/** A fresh joiner for one file. */
export function newJoiner(rule: ContinuationRule, maxLines: number, maxBytes: number): Joiner {
  return {
    rule,
    pending: null,
    lines: 0,
    bytes: 0,
    cutting: false,
    lastAt: 0,
    inTrace: false,
    prevIndented: false,
    maxLines,
    maxBytes,
    dropped: 0,
    cut: 0,
    joined: false,
  };
}

/** Feeds one line event; a finished event (the one `ev` ends) is pushed to `out`. */
export function joinLine(j: Joiner, ev: RawEvent, out: RawEvent[], now: number): void {
  j.lastAt = now;
  const p = j.pending;
  if (p !== null && j.rule(ev.line, j)) {
    j.joined = true;
    if (j.cutting) {
      j.dropped++;
      return;
    }
    const len = Buffer.byteLength(ev.line) + 1;
    if (j.lines >= j.maxLines || j.bytes + len > j.maxBytes) {
      p.truncated = true;
      j.cutting = true;
      j.cut++;
      j.dropped++;
      return;
    }
    p.line += `\n${ev.line}`;
    j.bytes += len;
    j.lines++;
    if (ev.truncated) p.truncated = true;
    return;
  }
  if (p !== null) out.push(p);
  j.pending = ev;
  j.lines = 1;
  j.bytes = Buffer.byteLength(ev.line);
  j.cutting = false;
  j.inTrace = ev.line.startsWith('Traceback (most recent call last):');
  j.prevIndented = false;
}

/** Emits the pending event, if any. */
export function flushJoiner(j: Joiner, out: RawEvent[]): void {
  if (j.pending === null) return;
  out.push(j.pending);
  j.pending = null;
  j.cutting = false;
  j.inTrace = false;
}

function indented(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 32 || c === 9;
}

// A qualified class name ending in Exception/Error/Throwable, then `:` or the end: the header of
// a Java trace. Anchored and without nested quantifiers, so it cannot backtrack badly.
const JAVA_EXCEPTION = /^(?:[a-zA-Z_$][\w$]*\.)+[\w$]*(?:Exception|Error|Throwable)(?::|$)/;

/** Java: frames, `Caused by:`, `Suppressed:`, `... N more` and exception class lines continue. */
export const javaContinues: ContinuationRule = (line) => {
  if (line.length === 0) return false;
  if (indented(line)) return true;
  const c = line.charCodeAt(0);
  if (c === 67 /* C */ && line.startsWith('Caused by:')) return true;
  if (c === 83 /* S */ && line.startsWith('Suppressed:')) return true;
  if (c === 46 /* . */ && line.startsWith('... ')) return true;
  // Lines starting with a digit are timestamps: always a new event.
  if (c >= 48 && c <= 57) return false;
  return JAVA_EXCEPTION.test(line);
};

const PY_CHAINED = ['During handling of the above exception', 'The above exception was the direct cause'];
const PY_EXCEPTION = /^[A-Za-z_][\w.]*(?::|$)/;

/** Python: a traceback and everything in it, through its final exception line, continue. */
export const pythonContinues: ContinuationRule = (line, j) => {
  if (line.startsWith('Traceback (most recent call last):')) {
    j.inTrace = true;
    j.prevIndented = false;
    return true;
  }
  if (!j.inTrace) return false;
  if (indented(line)) {
    j.prevIndented = true;
    return true;
  }
  if (line.length === 0) return true; // the blank line before "During handling of ..."
  if (PY_CHAINED.some((s) => line.startsWith(s))) {
    j.prevIndented = false;
    return true;
  }
  if (j.prevIndented && PY_EXCEPTION.test(line)) {
    j.prevIndented = false;
    return true; // the exception line that ends a traceback
  }
  j.inTrace = false;
  return false;
};

/**
 * Java and Python together, for files of unknown make: a Python traceback is followed through
 * its own state (asked first, so that state sees every line), anything else by the Java rule
 * (indented lines, `Caused by:`, `... N more`, exception class lines).
 */
export const autoContinues: ContinuationRule = (line, j) =>
  pythonContinues(line, j) || javaContinues(line, j);
