/**
 * `logpipe store --check`: verifies every file of a store nobody is writing. Each partition and
 * segment file must be whole, its footer readable and every page decodable, its row count the
 * one its metadata and the catalog record; the catalog must list exactly the partition files on
 * disk and the segment files it expects; the committed offsets must be at least those each
 * file holds (else re-sent lines would be stored twice); and the quarantine must be empty. It
 * reads the catalog read-only and changes nothing: the next open of the store repairs what can
 * be repaired (recovery.ts), and the report says what that will be.
 *
 * Parquet pages carry no checksums as DuckDB writes them, so a flipped bit inside a value that
 * still decodes is not found; what no longer decodes (a cut-short file, a broken footer or
 * page) is.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StorageError } from '../../core/errors.js';
import { type CatalogFiles, readCatalogFiles } from './catalog.js';
import { catalogViews } from './catalog-layout.js';
import { duckdb } from './duckdb-api.js';
import { environmentFailure, firstLine, parquetShapeProblem, readFooters } from './file-check.js';
import { maxOffsets, PARTITION_KEY, parsePartitionMeta } from './partition-meta.js';
import { scanParts } from './partitions.js';
import { listQuarantine, QUARANTINE_DIR } from './quarantine.js';
import { META_TABLE, OFFSETS_TABLE, PARTITIONS_TABLE, sqlString } from './schema.js';
import { listSegments, OFFSETS_KEY, parseSegmentName, SEGMENTS_DIR } from './segments.js';

/** What `--check` found. */
export interface CheckReport {
  /** One line per problem: `<file>: <what is wrong>`. */
  problems: string[];
  /** Things the next open tidies, that lose nothing (crash leftovers). */
  notes: string[];
  partitions: number;
  segments: number;
  rows: number;
}

interface CatalogPartition {
  file: string;
  rows: number;
  bytes: number;
  minUs: number;
  maxUs: number;
}

/** Checks the store whose database file is `path`. Throws a `locked` StorageError while another process has it open. */
export async function checkDuckDbStore(path: string): Promise<CheckReport> {
  const dir = dirname(path);
  const report: CheckReport = { problems: [], notes: [], partitions: 0, segments: 0, rows: 0 };
  const problem = (file: string, what: string) => report.problems.push(`${file}: ${what}`);
  const parts = scanParts(dir);
  const onDiskSegments = listSegments(dir, new Set());
  if (!existsSync(path) && parts.files.length === 0 && onDiskSegments.live.length === 0) {
    throw new StorageError(`no store at ${path}: nothing has been stored there yet`, { kind: 'not_found' });
  }

  const { instance, catalogOk } = await openCatalog(path, problem);
  const conn = await instance.connect();
  try {
    await conn.run('LOAD parquet');
    await catalogViews(conn);
    const listed = catalogOk ? await catalogPartitions(conn) : [];
    const cat: CatalogFiles = catalogOk
      ? await readCatalogFiles(conn)
      : { sealedBy: new Map(), offsetsOf: new Map(), segments: new Map(), retired: new Set<string>() };
    const committed = catalogOk ? await catalogOffsets(conn) : new Map<string, number>();
    const mergedSeq = catalogOk ? await mergedSegment(conn) : 0;

    // Partitions.
    const listedFiles = new Set(listed.map((p) => p.file));
    const onDisk = new Set(parts.files);
    const fileOffsets: { file: string; offsets: [string, number][] }[] = [];
    for (const p of listed) {
      if (!onDisk.has(p.file)) {
        problem(p.file, `listed in the catalog (${p.rows} rows) but not on disk`);
        continue;
      }
      const checked = await checkFile(conn, dir, p.file, p.bytes);
      if (typeof checked === 'string') {
        problem(p.file, checked);
        continue;
      }
      report.partitions++;
      report.rows += checked.rows;
      if (checked.rows !== p.rows) problem(p.file, `holds ${checked.rows} rows, the catalog says ${p.rows}`);
      const text = checked.kv.get(PARTITION_KEY);
      if (text === undefined) {
        report.notes.push(
          `${p.file}: sealed before partitions described themselves (no ${PARTITION_KEY}): it could not be placed without the catalog`,
        );
        continue;
      }
      const meta = parsePartitionMeta(text);
      if ('invalid' in meta) {
        problem(p.file, meta.invalid);
        continue;
      }
      if (meta.rows !== checked.rows)
        problem(p.file, `holds ${checked.rows} rows, its metadata says ${meta.rows}`);
      if (meta.minUs !== p.minUs || meta.maxUs !== p.maxUs)
        problem(p.file, 'its metadata and the catalog give different time ranges');
      fileOffsets.push({ file: p.file, offsets: meta.offsets });
    }
    for (const f of parts.files) {
      if (listedFiles.has(f)) continue;
      if (cat.retired.has(f)) {
        report.notes.push(`${f}: removed by retention, its unlink not done yet (the next open deletes it)`);
        continue;
      }
      const checked = await checkFile(conn, dir, f);
      if (typeof checked === 'string') problem(f, `not in the catalog, and ${checked}`);
      else
        problem(
          f,
          checked.kv.has(PARTITION_KEY)
            ? 'not in the catalog (the next open adopts it, or removes it when the segments it was sealed from are still there)'
            : `not in the catalog, and no ${PARTITION_KEY} metadata to place it by (the next open moves it to ${QUARANTINE_DIR}/)`,
        );
    }
    for (const f of parts.strays)
      problem(f, `not a file of the store (the next open moves it to ${QUARANTINE_DIR}/)`);
    for (const f of parts.temps)
      report.notes.push(`${f}: an unfinished write left by a crash (the next open removes it)`);

    // Segments.
    const listing = listSegments(dir, new Set(cat.sealedBy.keys()), mergedSeq);
    for (const f of listing.live) {
      const checked = await checkFile(conn, dir, f);
      if (typeof checked === 'string') {
        problem(f, checked);
        continue;
      }
      report.segments++;
      report.rows += checked.rows;
      const rec = cat.segments.get(f);
      if (rec && rec.rows !== checked.rows)
        problem(f, `holds ${checked.rows} rows, the catalog recorded ${rec.rows}`);
      const offsets = checked.kv.get(OFFSETS_KEY);
      if (offsets === undefined) problem(f, `no ${OFFSETS_KEY} in its footer`);
      else {
        try {
          // A segment's offsets count as committed at open, as the catalog's do.
          maxOffsets([JSON.parse(offsets) as [string, number][]], committed);
        } catch {
          problem(f, `its ${OFFSETS_KEY} is not JSON`);
        }
      }
    }
    const appended = listing.live
      .map((f) => parseSegmentName(f)!)
      .filter((p) => !p.compacted)
      .map((p) => p.first)
      .sort((a, b) => a - b);
    for (let i = 1; i < appended.length; i++)
      if (appended[i] > appended[i - 1] + 1)
        problem(
          SEGMENTS_DIR,
          `appended segment file(s) ${appended[i - 1] + 1} to ${appended[i] - 1} are missing`,
        );
    for (const f of listing.strays)
      problem(f, `not a file of the store (the next open moves it to ${QUARANTINE_DIR}/)`);
    for (const f of listing.stale)
      report.notes.push(`${f}: obsolete, left by a crash (the next open removes it)`);
    const live = new Set([...listing.live, ...listing.stale]);
    for (const [f, rec] of cat.segments) {
      if (live.has(f) || cat.sealedBy.has(f)) continue;
      const p = parseSegmentName(f);
      const covered =
        p !== null &&
        listing.live.some((l) => {
          const q = parseSegmentName(l)!;
          return q.compacted !== p.compacted && q.first <= p.last && q.last >= p.first;
        });
      if (!covered) problem(f, `expected by the catalog (${rec.rows} rows) but not on disk`);
    }

    // Offsets: what the store would skip as already stored must cover what every partition holds.
    for (const { file, offsets } of fileOffsets) {
      for (const [key, next] of offsets) {
        const have = committed.get(key) ?? 0;
        if (have < next)
          problem(
            file,
            `holds ${key.slice(0, key.indexOf('\0'))} up to offset ${next}, but the committed offset is ${have} (re-sent lines would be stored twice)`,
          );
      }
      const recorded = cat.offsetsOf.get(file);
      if (recorded && JSON.stringify(recorded) !== JSON.stringify(offsets))
        problem(file, 'its metadata and the catalog record different offsets');
    }

    // The quarantine: files set aside earlier, until an operator deals with them.
    const q = listQuarantine(dir);
    for (const f of q.files) problem(join(QUARANTINE_DIR, f), 'set aside (see its .note)');
    for (const f of q.missing) problem(join(QUARANTINE_DIR, f), 'a data file found missing (see the note)');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return report;
}

/** The catalog opened read-only, or an in-memory instance (and a problem) when it cannot be. */
async function openCatalog(
  path: string,
  problem: (file: string, what: string) => void,
): Promise<{ instance: DuckDBInstance; catalogOk: boolean }> {
  const name = path.slice(dirname(path).length + 1);
  if (!existsSync(path)) {
    problem(name, 'the catalog is missing (the next open rebuilds it from the data files)');
    return { instance: await duckdb.DuckDBInstance.create(':memory:'), catalogOk: false };
  }
  try {
    const instance = await duckdb.DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    try {
      await catalogViews(conn);
      for (const t of [PARTITIONS_TABLE, OFFSETS_TABLE]) await conn.run(`SELECT * FROM ${t}`);
    } catch (err) {
      conn.closeSync();
      instance.closeSync();
      throw err;
    }
    conn.closeSync();
    return { instance, catalogOk: true };
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/Could not set lock|Conflicting lock/i.test(msg)) {
      const pid = /PID (\d+)/.exec(msg)?.[1];
      throw new StorageError(
        `the store ${path} is in use by another process${pid ? ` (pid ${pid})` : ''}: stop it first (--check reads every file while nothing writes)`,
        { kind: 'locked', cause: err },
      );
    }
    if (environmentFailure(msg)) throw err;
    problem(
      name,
      `the catalog cannot be read (${firstLine(msg)}); the next open sets it aside and rebuilds it`,
    );
    return { instance: await duckdb.DuckDBInstance.create(':memory:'), catalogOk: false };
  }
}

/** A file checked whole: its footer's row count and metadata, or what is wrong with it. */
async function checkFile(
  conn: DuckDBConnection,
  dir: string,
  file: string,
  size?: number,
): Promise<{ rows: number; kv: Map<string, string> } | string> {
  const path = join(dir, file);
  const shape = parquetShapeProblem(path, size);
  if (shape !== null) return shape === 'missing' ? 'not on disk' : shape;
  const footer = (await readFooters(conn, [path])).get(path);
  if (footer === undefined) return 'DuckDB read no footer from it';
  if ('damaged' in footer) return footer.damaged;
  try {
    // Every column of every row decoded (a hash of each value), not just counted from the footer.
    const r = await conn.runAndReadAll(
      `SELECT count(*), sum(hash(COLUMNS(*))) FROM read_parquet(${sqlString(path)})`,
    );
    const rows = Number(r.getRowsJson()[0][0]);
    if (rows !== footer.rows) return `its pages hold ${rows} rows, its footer says ${footer.rows}`;
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (environmentFailure(msg)) throw err;
    return `cannot be read through: ${firstLine(msg)}`;
  }
  return footer;
}

async function catalogPartitions(conn: DuckDBConnection): Promise<CatalogPartition[]> {
  const r = await conn.runAndReadAll(
    `SELECT file, rows, bytes, epoch_us(min_ts), epoch_us(max_ts) FROM ${PARTITIONS_TABLE} ORDER BY file`,
  );
  return r.getRowsJson().map(([file, rows, bytes, mn, mx]) => ({
    file: String(file),
    rows: Number(rows),
    bytes: Number(bytes),
    minUs: Number(mn),
    maxUs: Number(mx),
  }));
}

async function catalogOffsets(conn: DuckDBConnection): Promise<Map<string, number>> {
  const r = await conn.runAndReadAll(`SELECT source, generation, next_offset FROM ${OFFSETS_TABLE}`);
  return new Map(r.getRowsJson().map(([s, g, n]) => [`${s}\0${g}`, Number(n)]));
}

async function mergedSegment(conn: DuckDBConnection): Promise<number> {
  try {
    const r = await conn.runAndReadAll(`SELECT value FROM ${META_TABLE} WHERE key = 'merged_segment'`);
    return parseSegmentName(String(r.getRowsJson()[0]?.[0] ?? ''))?.first ?? 0;
  } catch {
    return 0;
  }
}
