/**
 * The DuckDB store's failures as typed StorageErrors. DuckDB and the file system say what went
 * wrong only in their messages, so those are read here, once, where the error is made; callers
 * look at the StorageError's `kind`.
 */
import { dirname } from 'node:path';
import { QueryError, StorageError } from '../../core/errors.js';

/**
 * The first line of what the engine or the system said, without DuckDB's class name (`IO Error: `,
 * `Binder Error: `) or its trailing `!`: the part of the engine's text a person can act on. The
 * whole text stays in the error's `cause`, which `--verbose` prints.
 */
export function engineLine(err: unknown): string {
  const msg = (err as Error)?.message ?? String(err);
  return msg
    .split('\n')[0]
    .replace(/^[A-Z][A-Za-z ]*? Error: /, '')
    .replace(/!$/, '');
}

/**
 * DuckDB's words for a damaged database file: a block whose checksum does not match, a file
 * shorter than its blocks say, a header that is not DuckDB's. Read before the lock test: a
 * checksum error names a "block", and /lock/ once read it as "in use by another process".
 */
const CORRUPT =
  /Corrupt database file|does not match stored checksum|not a valid DuckDB database file|Could not read enough bytes from file/i;

/** DuckDB's words for a database another process holds: `Could not set lock on file ...`. */
const LOCKED = /Could not set lock|Conflicting lock/i;

/**
 * A damaged database file as a `corrupt` StorageError naming the file, the engine's first line,
 * and what to do; null when `err` does not say the file is damaged.
 */
export function corruptError(path: string, err: unknown): StorageError | null {
  const msg = (err as Error)?.message ?? String(err);
  if (!CORRUPT.test(msg)) return null;
  return new StorageError(
    `the store's database ${path} is damaged (${engineLine(err)}); keep a copy of it before changing anything, and run \`logpipe store --check\`, which verifies the store's files`,
    { kind: 'corrupt', cause: err },
  );
}

/**
 * A failure while a store at `path` was being read as it opened (its catalog): `corrupt` when the
 * database file is damaged, else `err` itself.
 */
export function loadError(path: string, err: unknown): unknown {
  return corruptError(path, err) ?? err;
}

/** Why the store at `path` could not be opened: damaged, another owner, nothing there, no permission. */
export function openError(path: string, err: unknown): StorageError {
  const msg = (err as Error).message ?? String(err);
  const corrupt = corruptError(path, err);
  if (corrupt) return corrupt;
  if (LOCKED.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    return new StorageError(
      `the store ${path} is in use by another process${pid ? ` (pid ${pid})` : ''}; query it through that process's API`,
      { kind: 'locked', cause: err },
    );
  }
  // Before the test for a missing file: DuckDB says "Cannot open file" on a read-only file system too.
  if (/Read-only file system|Permission denied|EACCES|EROFS/i.test(msg)) {
    return new StorageError(`cannot write the store ${path}: ${engineLine(err)}`, {
      kind: 'permission',
      cause: err,
    });
  }
  if (/No such file|does not exist|Cannot open/i.test(msg)) {
    return new StorageError(`no store at ${path}: nothing has been stored there yet`, {
      kind: 'not_found',
      cause: err,
    });
  }
  return new StorageError(`cannot open the store ${path}: ${engineLine(err)}`, { kind: 'io', cause: err });
}

/** Names the usual causes of a failed write plainly: a full disk, a read-only data dir. */
export function writeError(what: string, path: string, err: unknown): StorageError {
  const msg = (err as Error).message ?? String(err);
  if (/No space left|ENOSPC|disk full/i.test(msg)) {
    return new StorageError(`${what} failed: the disk holding ${dirname(path)} is full`, {
      kind: 'disk_full',
      cause: err,
    });
  }
  if (/Read-only file system|EROFS|Permission denied|EACCES/i.test(msg)) {
    return new StorageError(`${what} failed: cannot write to ${dirname(path)} (read-only or not permitted)`, {
      kind: 'permission',
      cause: err,
    });
  }
  return new StorageError(`${what} failed: ${engineLine(err)}`, { kind: 'io', cause: err });
}

/** A partition that could not be written or committed. */
export function sealError(err: unknown): StorageError {
  return new StorageError(`sealing a partition failed: ${engineLine(err)}`, {
    kind: 'io',
    cause: err,
  });
}

/** Any call on a store after `close`. */
export function closedError(): StorageError {
  return new StorageError('the store is closed', { kind: 'closed' });
}

/** A write asked of a store opened read-only. */
export function readOnlyError(): StorageError {
  return new StorageError('the store is open read-only', { kind: 'read_only' });
}

/**
 * DuckDB's message for a failed query as one readable line and the offset in `sql` it points at
 * (-1 when it points nowhere we can place). The engine writes `Binder Error: Referenced column
 * "x" not found in FROM clause!`, a `Candidate bindings:` line and a `LINE 1: …` excerpt with a
 * caret; a person wants the first sentence, the candidates, and the caret under their own text.
 */
export function engineQueryMessage(err: unknown, sql: string): { detail: string; position: number } {
  const msg = (err as Error)?.message ?? String(err);
  const lines = msg.split('\n');
  let detail = engineLine(err);
  const candidates = lines.find((l) => l.startsWith('Candidate bindings: '));
  if (candidates) detail += `; did you mean one of: ${candidates.slice('Candidate bindings: '.length)}`;
  let position = -1;
  const at = lines.findIndex((l) => /^LINE \d+: /.test(l));
  if (at >= 0 && at + 1 < lines.length) {
    const head = /^LINE (\d+): /.exec(lines[at])!;
    const caret = lines[at + 1].indexOf('^') - head[0].length;
    const sqlLines = sql.split('\n');
    const n = Number(head[1]) - 1;
    // The excerpt is the line itself unless DuckDB cut a long one (it then starts with "...").
    if (caret >= 0 && n < sqlLines.length && lines[at].slice(head[0].length) === sqlLines[n]) {
      position = sqlLines.slice(0, n).reduce((sum, l) => sum + l.length + 1, 0) + caret;
    }
  }
  return { detail, position };
}

/**
 * A query the engine failed: raw SQL is the user's own text, so its failure is a QueryError
 * pointing into it; a planned query's failure is the store's, a `query` StorageError. Either
 * way the message is the engine's first sentence without its class name (`Binder Error: `);
 * the whole engine text stays in `cause` for --verbose.
 */
export function queryFailure(err: unknown, sql: string, rawSql: boolean): QueryError | StorageError {
  const { detail, position } = engineQueryMessage(err, sql);
  if (rawSql) return new QueryError(detail, sql, Math.max(0, position));
  return new StorageError(`query failed: ${detail}`, { kind: 'query', cause: err });
}
