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

/** The store failed (disk full, locked database, corrupt file); `cause` carries the engine's error. */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True when the error is the user's to fix, so no stack trace is due. */
export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
