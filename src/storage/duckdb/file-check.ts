/**
 * Checks of the store's Parquet files: whether a file is whole (the `PAR1` magic at both ends,
 * a footer that fits), and its footer as DuckDB reads it (row count, key-value metadata), one
 * file's damage told apart from the others'. A failure of the machine rather than of a file
 * (too many open files, no memory, no permission) is thrown, never taken for damage.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './schema.js';

const MAGIC = 'PAR1';

/**
 * Why the file at `path` is not a whole Parquet file, or null when its ends look right. `size`,
 * when given, is the size the catalog recorded: a file of another size was cut or rewritten.
 * A missing file reads as 'missing'; other file system errors are thrown.
 */
export function parquetShapeProblem(path: string, size?: number): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const actual = fstatSync(fd).size;
    if (size !== undefined && actual !== size)
      return `${actual} bytes where the catalog recorded ${size} (cut short or rewritten)`;
    if (actual < 12) return `${actual} bytes: too small to be a Parquet file`;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(8);
    readSync(fd, head, 0, 4, 0);
    readSync(fd, tail, 0, 8, actual - 8);
    if (tail.toString('latin1', 4) !== MAGIC) return 'no Parquet footer at its end (cut short?)';
    if (head.toString('latin1') !== MAGIC) return 'not a Parquet file (no magic bytes at its start)';
    const footer = tail.readUInt32LE(0);
    if (footer + 12 > actual) return `its footer claims ${footer} bytes of a ${actual}-byte file`;
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a listed file still has the size the catalog recorded: one `stat`, what the open
 * checks of every partition (a cut-short file is shorter). null when it has; 'missing' when gone.
 */
export function sizeProblem(path: string, size: number): string | null {
  let actual: number;
  try {
    actual = statSync(path).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  return actual === size
    ? null
    : `${actual} bytes where the catalog recorded ${size} (cut short or rewritten)`;
}

/** What DuckDB reads from a file's footer. */
export interface Footer {
  rows: number;
  /** Key-value metadata, keys and values as text. */
  kv: Map<string, string>;
}

/** A file DuckDB could not read, and its words for why. */
export interface Unreadable {
  damaged: string;
}

/** Whether an engine error is the machine's (to be thrown) rather than one file's damage. */
export function environmentFailure(message: string): boolean {
  return /too many open files|out of memory|permission denied|no space left|interrupt|EMFILE|ENOMEM|EACCES/i.test(
    message,
  );
}

/**
 * The footers of `paths` (absolute), read with one query when every file is sound and file by
 * file when one is not, so the damaged ones are named and the others still read.
 */
export async function readFooters(
  conn: DuckDBConnection,
  paths: readonly string[],
): Promise<Map<string, Footer | Unreadable>> {
  const out = new Map<string, Footer | Unreadable>();
  if (paths.length === 0) return out;
  try {
    await footersOf(conn, paths, out);
    return out;
  } catch (err) {
    if (environmentFailure((err as Error).message)) throw err;
  }
  for (const p of paths) {
    try {
      await footersOf(conn, [p], out);
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      if (environmentFailure(msg)) throw err;
      out.set(p, { damaged: firstLine(msg) });
    }
  }
  return out;
}

async function footersOf(
  conn: DuckDBConnection,
  paths: readonly string[],
  out: Map<string, Footer | Unreadable>,
): Promise<void> {
  const list = `[${paths.map(sqlString).join(', ')}]`;
  const meta = await conn.runAndReadAll(`SELECT file_name, num_rows FROM parquet_file_metadata(${list})`);
  const kv = await conn.runAndReadAll(
    `SELECT file_name, decode(key), decode(value) FROM parquet_kv_metadata(${list})`,
  );
  const found = new Map<string, Footer>();
  for (const [name, rows] of meta.getRowsJson())
    found.set(String(name), { rows: Number(rows), kv: new Map() });
  for (const [name, key, value] of kv.getRowsJson())
    found.get(String(name))?.kv.set(String(key), String(value));
  for (const [name, footer] of found) out.set(name, footer);
}

/** An engine message's first line, without DuckDB's error class prefix. */
export function firstLine(message: string): string {
  return message.split('\n')[0].replace(/^[A-Za-z ]+ Error: /, '');
}
