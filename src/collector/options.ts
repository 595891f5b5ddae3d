/**
 * The file collector's options: their defaults and their validation, done once at construction
 * so a bad value fails before the first poll, with a message naming the option.
 */

import {
  DEFAULT_BATCH_LINES,
  DEFAULT_BATCHES_IN_FLIGHT,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_OPEN_FILES,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_START_AT,
} from '../core/defaults.js';
import { ConfigError } from '../core/errors.js';
import { compileMultiline, type MultilineOptions } from './multiline.js';

/** Options of a FileCollector; see docs/collecting.md. */
export interface FileCollectorOptions {
  /** Glob patterns of files to tail (`**` supported); relative ones resolve against the cwd. */
  paths: string[];
  /** Glob patterns to leave out; one without a slash matches the file name. */
  exclude?: string[];
  /** Where to start in a file found at first start with no checkpoint. Default `beginning`. */
  startAt?: 'beginning' | 'end';
  /** The checkpoint file. */
  checkpointPath: string;
  /** How often to look for new data and new files. Default 250. */
  pollIntervalMs?: number;
  /** Lines longer than this are cut and flagged. Default 1 MiB. */
  maxLineBytes?: number;
  /** Events per batch, at most. Default 5000. */
  maxBatchLines?: number;
  /** Unacknowledged batches, at most; reading pauses at the bound. Default 8. */
  maxBatchesInFlight?: number;
  /**
   * Files held open at once, at most (2 or more); the others are closed while idle and opened
   * again when they have new data, and every file is read in turn. Default 256.
   */
  maxOpenFiles?: number;
  format?: string;
  service?: string;
  host?: string;
  /** Receives every warning (corrupt checkpoint, unreadable file, ...). Default: none. */
  onWarning?: (msg: string) => void;
  /** Read what is there, then finish `batches()` on its own. Default false. */
  once?: boolean;
  /** Minimum time between checkpoint writes while running. Default 1000. */
  checkpointIntervalMs?: number;
  /** How long close() waits for outstanding acknowledgements. Default 5000. */
  closeTimeoutMs?: number;
  /**
   * A file no longer matched by the globs (renamed away, deleted) is released once read to its
   * end and quiet this long. Default 5000.
   */
  releaseAfterMs?: number;
  /** At shutdown, an unterminated last line is emitted if its file was quiet this long. Default 5000. */
  partialLineFlushMs?: number;
  /**
   * A new file that looks like a copy of a file being tailed (copytruncate rotation) waits this
   * long for the original's truncation before it is read as a file of its own. Default 3000.
   */
  copyWaitMs?: number;
  /**
   * Warn when there is no checkpoint file yet. Default true; a command that starts fresh as a
   * matter of course (a first `--once` run) turns it off. A corrupt file always warns.
   */
  warnIfNoCheckpoint?: boolean;
  /** Join multi-line events (stack traces). Default: off, one event per line. */
  multiline?: MultilineOptions;
  /**
   * Asks the store what it already holds of a content fingerprint. The checkpoint always lags
   * the store a little; a file renamed in that gap and found under its new name after a crash
   * is recognised through this, keeps its source id, and is not stored twice.
   */
  lookupCommitted?: (fingerprint: string) => Promise<CommittedPosition[]>;
}

/** The last line the store committed of one source's content. */
export interface CommittedPosition {
  source: string;
  generation: string;
  /** Byte offset of that line's start. */
  offset: number;
  /** The line as stored (its raw text). */
  raw: string;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<
  Omit<FileCollectorOptions, 'format' | 'service' | 'host' | 'multiline' | 'lookupCommitted'>
> &
  Pick<FileCollectorOptions, 'format' | 'service' | 'host' | 'lookupCommitted'> & {
    multiline: ReturnType<typeof compileMultiline> | null;
  };

/** Fills in defaults and checks every value; throws ConfigError naming the option. */
export function resolveOptions(opts: FileCollectorOptions): ResolvedOptions {
  if (!opts || !Array.isArray(opts.paths) || opts.paths.length === 0) {
    throw new ConfigError('paths', 'at least one path or glob is required');
  }
  for (const p of opts.paths)
    if (typeof p !== 'string' || p === '') throw new ConfigError('paths', 'empty pattern');
  for (const p of opts.exclude ?? []) {
    if (typeof p !== 'string' || p === '') throw new ConfigError('exclude', 'empty pattern');
  }
  if (typeof opts.checkpointPath !== 'string' || opts.checkpointPath === '') {
    throw new ConfigError('checkpointPath', 'a checkpoint file path is required');
  }
  const startAt = opts.startAt ?? DEFAULT_START_AT;
  if (startAt !== 'beginning' && startAt !== 'end') {
    throw new ConfigError('startAt', `expected "beginning" or "end", got ${JSON.stringify(startAt)}`);
  }
  return {
    paths: opts.paths,
    exclude: opts.exclude ?? [],
    startAt,
    checkpointPath: opts.checkpointPath,
    pollIntervalMs: int('pollIntervalMs', opts.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS, 1),
    maxLineBytes: int('maxLineBytes', opts.maxLineBytes, DEFAULT_MAX_LINE_BYTES, 1),
    maxBatchLines: int('maxBatchLines', opts.maxBatchLines, DEFAULT_BATCH_LINES, 1),
    maxBatchesInFlight: int('maxBatchesInFlight', opts.maxBatchesInFlight, DEFAULT_BATCHES_IN_FLIGHT, 1),
    maxOpenFiles: int('maxOpenFiles', opts.maxOpenFiles, DEFAULT_MAX_OPEN_FILES, 2),
    format: opts.format,
    service: opts.service,
    host: opts.host,
    onWarning: opts.onWarning ?? (() => {}),
    once: opts.once ?? false,
    checkpointIntervalMs: int('checkpointIntervalMs', opts.checkpointIntervalMs, 1000, 0),
    closeTimeoutMs: int('closeTimeoutMs', opts.closeTimeoutMs, 5000, 0),
    releaseAfterMs: int('releaseAfterMs', opts.releaseAfterMs, 5000, 0),
    partialLineFlushMs: int('partialLineFlushMs', opts.partialLineFlushMs, 5000, 0),
    copyWaitMs: int('copyWaitMs', opts.copyWaitMs, 3000, 0),
    warnIfNoCheckpoint: opts.warnIfNoCheckpoint ?? true,
    multiline: opts.multiline ? compileMultiline(opts.multiline) : null,
    lookupCommitted: opts.lookupCommitted,
  };
}

function int(key: string, v: number | undefined, def: number, min: number): number {
  if (v === undefined) return def;
  if (!Number.isSafeInteger(v) || v < min)
    throw new ConfigError(key, `expected a whole number >= ${min}, got ${v}`);
  return v;
}
