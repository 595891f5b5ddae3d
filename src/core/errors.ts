/**
 * Typed errors. User errors (bad config, bad query, bad flag) are printed as one line at the CLI
 * edge; anything else is a bug or an environment failure and shows its stack with --verbose.
 */

/** Base for errors caused by what the user gave us; the CLI prints `message` alone. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A config value that is missing, unknown or of the wrong type; `key` is the dotted path. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(key ? `config ${key}: ${detail}` : `config: ${detail}`);
  }
}

/** A query that does not parse or cannot be planned; `position` is a 0-based offset in `query`. */
export class QueryError extends UserError {
  override name = 'QueryError';
  constructor(
    readonly detail: string,
    readonly query: string,
    readonly position: number,
  ) {
    super(`${detail} at position ${position + 1}`);
  }

  /** The query with a caret under the offending spot, for terminals. */
  pointer(): string {
    return `${this.query}\n${' '.repeat(Math.max(0, this.position))}^`;
  }
}

/** A wrong flag or argument combination on the command line. */
export class UsageError extends UserError {
  override name = 'UsageError';
}

/**
 * What kind of failure a StorageError is, so callers branch on it rather than on its message:
 * - `locked`: another process owns the store;
 * - `corrupt`: a file of the store is damaged (a checksum that does not match, a truncated or
 *   overwritten database file);
 * - `not_found`: nothing has been stored at that path yet;
 * - `permission`: the store's directory cannot be written (read-only file system, not permitted);
 * - `disk_full`: the disk holding the store is full;
 * - `read_only`: the store was opened read-only and was asked to write;
 * - `closed`: the store was closed;
 * - `timeout`: a query ran past its time limit and was stopped;
 * - `query`: the engine refused or failed a query;
 * - `io`: any other failure to open, write or seal.
 */
export type StorageErrorKind =
  | 'locked'
  | 'corrupt'
  | 'not_found'
  | 'permission'
  | 'disk_full'
  | 'read_only'
  | 'closed'
  | 'timeout'
  | 'query'
  | 'io';

/** The store failed; `kind` says how, `cause` carries the engine's error. */
export class StorageError extends Error {
  override name = 'StorageError';
  readonly kind: StorageErrorKind;
  constructor(message: string, options: { kind: StorageErrorKind; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind;
  }
}

/** True when `err` is a StorageError (of `kind`, when given). */
export function isStorageError(err: unknown, kind?: StorageErrorKind): err is StorageError {
  return err instanceof StorageError && (kind === undefined || err.kind === kind);
}

/** True when the error is the user's to fix, so no stack trace is due. */
export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
