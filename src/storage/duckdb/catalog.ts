/**
 * The catalog's tables beyond the rows: a partition's row (with the segments it replaced and
 * the offsets it holds), the committed offsets, and `segment_files`, the segment files the store
 * left at its last start or clean stop, so one that goes missing is noticed. Writers run these
 * inside their own transaction on the writer connection. The catalog is an index: every fact
 * in it is also in the data files' own metadata (partition-meta.ts, segment footers), and open
 * rebuilds it from them when it is lost (recovery.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Partition } from './partitions.js';
import { OFFSETS_TABLE, PARTITIONS_TABLE } from './schema.js';
import type { Segment } from './segments.js';
import type { OffsetKey } from './state.js';

/** The segment files the store expects on disk (as of its last start or clean stop). */
export const SEGMENT_FILES_TABLE = 'segment_files';

/**
 * Partition files retention has unlisted and whose unlink may not have happened yet (a query
 * was reading them, or the process died first): the next open deletes them instead of taking
 * them for files the catalog lost.
 */
export const RETIRED_TABLE = 'retired_files';

/** Catalog tables and columns added since the first layout; run after the schema exists. */
export function catalogSchemaSql(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${RETIRED_TABLE} (file VARCHAR PRIMARY KEY)`,
    `ALTER TABLE ${PARTITIONS_TABLE} ADD COLUMN IF NOT EXISTS offsets VARCHAR`,
    `CREATE TABLE IF NOT EXISTS ${SEGMENT_FILES_TABLE} (file VARCHAR PRIMARY KEY, rows BIGINT NOT NULL, min_us BIGINT NOT NULL, max_us BIGINT NOT NULL, offsets VARCHAR NOT NULL)`,
  ];
}

/**
 * Raises the next offset of each `source \0 generation` in `moved` to the value given; an offset
 * never goes down (a seal of older segments after newer ones keeps the newer offsets).
 */
export async function upsertOffsets(
  conn: DuckDBConnection,
  moved: Iterable<[OffsetKey, number]>,
): Promise<void> {
  const values: string[] = [];
  const params: (string | number)[] = [];
  for (const [key, next] of moved) {
    const sep = key.indexOf('\0');
    values.push('(?, ?, ?, now())');
    params.push(key.slice(0, sep), key.slice(sep + 1), next);
  }
  if (values.length === 0) return;
  await conn.run(
    `INSERT INTO ${OFFSETS_TABLE} (source, generation, next_offset, updated_at) VALUES ${values.join(', ')} ON CONFLICT (source, generation) DO UPDATE SET next_offset = greatest(${OFFSETS_TABLE}.next_offset, excluded.next_offset), updated_at = excluded.updated_at`,
    params,
  );
}

/**
 * The catalog row of a new partition; `segments` names the segment files it replaces (null when
 * sealed from the active table), `offsets` the next offsets after its rows.
 */
export async function insertPartition(
  conn: DuckDBConnection,
  part: Partition,
  summary: Record<string, unknown>,
  segments: string[] | null,
  offsets: [OffsetKey, number][] = [],
): Promise<void> {
  await conn.run(
    `INSERT INTO ${PARTITIONS_TABLE} (file, min_ts, max_ts, rows, bytes, raw_bytes, levels, services, sealed_at, segments, offsets) VALUES (?, make_timestamp(?::BIGINT), make_timestamp(?::BIGINT), ?, ?, ?, ?, ?, now(), ?, ?)`,
    [
      part.file,
      part.minUs,
      part.maxUs,
      part.rows,
      part.bytes,
      part.rawBytes,
      jsonText(summary.levels),
      jsonText(summary.services),
      segments === null ? null : JSON.stringify(segments),
      JSON.stringify(offsets),
    ],
  );
}

/** Unlists a partition retention removes, noting it as retired (see RETIRED_TABLE), in one commit. */
export async function retirePartition(conn: DuckDBConnection, file: string): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`DELETE FROM ${PARTITIONS_TABLE} WHERE file = ?`, [file]);
    await conn.run(`INSERT OR IGNORE INTO ${RETIRED_TABLE} (file) VALUES (?)`, [file]);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Forgets the retired files: their unlinks are done. */
export async function clearRetired(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DELETE FROM ${RETIRED_TABLE}`);
}

/** Removes the rows of partitions (their files are gone or moved aside). */
export async function deletePartitions(conn: DuckDBConnection, files: readonly string[]): Promise<void> {
  for (const f of files) await conn.run(`DELETE FROM ${PARTITIONS_TABLE} WHERE file = ?`, [f]);
}

/** Lists exactly `segments` as the segment files expected on disk. */
export async function replaceSegmentFiles(
  conn: DuckDBConnection,
  segments: readonly Segment[],
): Promise<void> {
  await conn.run(`DELETE FROM ${SEGMENT_FILES_TABLE}`);
  for (let i = 0; i < segments.length; i += 500) {
    const chunk = segments.slice(i, i + 500);
    await conn.run(
      `INSERT INTO ${SEGMENT_FILES_TABLE} (file, rows, min_us, max_us, offsets) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((seg) => [
        seg.file,
        seg.rows,
        safeUs(seg.minUs),
        safeUs(seg.maxUs),
        JSON.stringify(seg.offsets),
      ]),
    );
  }
}

/** Unlists segment files a seal took. */
export async function deleteSegmentFiles(conn: DuckDBConnection, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  await conn.run(`DELETE FROM ${SEGMENT_FILES_TABLE} WHERE file IN (${files.map(() => '?').join(', ')})`, [
    ...files,
  ]);
}

/** A segment file the catalog expects, as it recorded it. */
export interface ExpectedSegment {
  rows: number;
  minUs: number;
  maxUs: number;
  offsets: [string, number][];
}

/** What the catalog says of files beyond the partitions' summaries. */
export interface CatalogFiles {
  /** Segment file → the listed partition that took it. */
  sealedBy: Map<string, string>;
  /** Partition file → the offsets after its rows, when recorded. */
  offsetsOf: Map<string, [string, number][]>;
  /** The segment files the store expects on disk. */
  segments: Map<string, ExpectedSegment>;
  /** Partition files retention unlisted (see RETIRED_TABLE). */
  retired: Set<string>;
}

/**
 * Reads the segments each partition replaced, their offsets and the expected segment files.
 * A store of an older layout (opened read-only) lacks some of these: they read as empty.
 */
export async function readCatalogFiles(conn: DuckDBConnection): Promise<CatalogFiles> {
  const out: CatalogFiles = {
    sealedBy: new Map(),
    offsetsOf: new Map(),
    segments: new Map(),
    retired: new Set(),
  };
  let rows: unknown[][] = [];
  for (const cols of ['file, segments, offsets', 'file, segments, NULL', 'file, NULL, NULL']) {
    try {
      // A store of an older layout (opened read-only) lacks the newer columns.
      rows = (await conn.runAndReadAll(`SELECT ${cols} FROM ${PARTITIONS_TABLE}`)).getRowsJson();
      break;
    } catch {}
  }
  for (const [file, segments, offsets] of rows) {
    if (segments !== null)
      for (const f of JSON.parse(String(segments)) as string[]) out.sealedBy.set(f, String(file));
    if (offsets !== null) out.offsetsOf.set(String(file), JSON.parse(String(offsets)));
  }
  try {
    const q = await conn.runAndReadAll(
      `SELECT file, rows, min_us, max_us, offsets FROM ${SEGMENT_FILES_TABLE}`,
    );
    for (const [file, rows, mn, mx, offsets] of q.getRowsJson()) {
      out.segments.set(String(file), {
        rows: Number(rows),
        minUs: Number(mn),
        maxUs: Number(mx),
        offsets: JSON.parse(String(offsets)),
      });
    }
  } catch {
    // No table yet: the store was last opened by a version that kept none.
  }
  try {
    const q = await conn.runAndReadAll(`SELECT file FROM ${RETIRED_TABLE}`);
    for (const [file] of q.getRowsJson()) out.retired.add(String(file));
  } catch {
    // As above.
  }
  return out;
}

/** Epoch µs for a BIGINT column: an empty segment's ±Infinity bounds become 0. */
function safeUs(us: number): number {
  return Number.isFinite(us) ? Math.trunc(us) : 0;
}

function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
