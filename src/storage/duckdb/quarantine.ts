/**
 * The quarantine: `<store>/quarantine/`, where the store moves a file it cannot place instead of
 * deleting it (as ClickHouse detaches a broken part into `detached/` with a reason prefix).
 * Each file moved there keeps its name behind a reason (`broken_` for a damaged file,
 * `unplaced_` for a Parquet file whose metadata does not say where it belongs, `unexpected_`
 * for something that is not a store file at all, `catalog_` for an unreadable catalog) and gets
 * a note beside it (`<name>.note`) saying where it was and why it was moved. A data file the
 * catalog expected and that is gone gets a note alone (`missing_<name>.note`): what it held.
 * Nothing here is read again by the store; an operator inspects it, restores or deletes it.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreFileHealth } from '../../core/storage.js';
import { fsyncDir } from './partitions.js';

/** The quarantine folder, relative to the store directory. */
export const QUARANTINE_DIR = 'quarantine';

export type QuarantineReason = 'broken' | 'unplaced' | 'unexpected' | 'catalog';

const NOTE = '.note';

/** A store-relative path as one file name: `parts/2026-01-02/0300-x.parquet` → `parts-2026-01-02-0300-x.parquet`. */
function flat(rel: string): string {
  return rel.replaceAll('\\', '/').split('/').filter(Boolean).join('-');
}

/** A name not taken yet in the quarantine folder. */
function freeName(dir: string, name: string): string {
  if (!existsSync(join(dir, name)) && !existsSync(join(dir, name + NOTE))) return name;
  for (let i = 1; ; i++) {
    const n = `${name}.${i}`;
    if (!existsSync(join(dir, n)) && !existsSync(join(dir, n + NOTE))) return n;
  }
}

/**
 * Moves a file of the store (path relative to it) into the quarantine with a note of `why`;
 * returns its new path relative to the store directory.
 */
export function quarantineFile(storeDir: string, rel: string, reason: QuarantineReason, why: string): string {
  const dir = join(storeDir, QUARANTINE_DIR);
  mkdirSync(dir, { recursive: true });
  const name = freeName(dir, `${reason}_${flat(rel)}`);
  renameSync(join(storeDir, rel), join(dir, name));
  writeFileSync(join(dir, name + NOTE), `${rel}\nmoved here ${new Date().toISOString()}: ${why}\n`);
  fsyncDir(dir);
  return join(QUARANTINE_DIR, name);
}

/** Writes a note that a file the catalog expected is gone, with what it held. */
export function noteMissing(storeDir: string, rel: string, what: string): string {
  const dir = join(storeDir, QUARANTINE_DIR);
  mkdirSync(dir, { recursive: true });
  const name = freeName(dir, `missing_${flat(rel)}`);
  writeFileSync(join(dir, name + NOTE), `${rel}\nfound missing ${new Date().toISOString()}: ${what}\n`);
  fsyncDir(dir);
  return join(QUARANTINE_DIR, name + NOTE);
}

/** What the quarantine holds: files moved there, and notes of missing files (names relative to it). */
export interface QuarantineList {
  files: string[];
  missing: string[];
}

/** The counts `stats` and `/status` report: files in quarantine (plus those a reader left out), missing files noted. */
export function fileHealth(storeDir: string | null, skipped: number): StoreFileHealth {
  if (storeDir === null) return { quarantined_files: 0, missing_files: 0 };
  const q = listQuarantine(storeDir);
  return { quarantined_files: q.files.length + skipped, missing_files: q.missing.length };
}

/** Lists the quarantine folder (empty when there is none). */
export function listQuarantine(storeDir: string): QuarantineList {
  let names: string[];
  try {
    names = readdirSync(join(storeDir, QUARANTINE_DIR));
  } catch {
    return { files: [], missing: [] };
  }
  const files: string[] = [];
  const missing: string[] = [];
  for (const n of names.sort()) {
    if (!n.endsWith(NOTE)) files.push(n);
    else if (n.startsWith('missing_')) missing.push(n);
  }
  return { files, missing };
}
