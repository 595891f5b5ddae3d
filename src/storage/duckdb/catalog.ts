/**
 * The catalog's tables beyond the rows: a partition's row (with the segments it replaced and
 * the offsets it holds), the committed offsets, and `segment_files`, the segment files the store
 * left at its last start or clean stop, so one that goes missing is noticed. Writers run these
 * inside their own transaction on the writer connection. The catalog is an index: every fact
 * in it is also in the data files' own metadata (partition-meta.ts, segment footers), and open
 * rebuilds it from them when it is lost (recovery.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CATALOG_TABLE, KIND, offsetKey } from './catalog-layout.js';
import type { Partition } from './partitions.js';
import { PARTITIONS_TABLE, RETIRED_TABLE, SEGMENT_FILES_TABLE } from './schema.js';
import type { Segment } from './segments.js';
import type { OffsetKey } from './state.js';

export { catalogSchemaSql, RETIRED_TABLE, SEGMENT_FILES_TABLE } from './schema.js';

/** Deletes the catalog rows of one kind whose keys are `keys`. */
async function deleteKeys(conn: DuckDBConnection, kind: string, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    await conn.run(
      `DELETE FROM ${CATALOG_TABLE} WHERE kind = '${kind}' AND key IN (${chunk.map(() => '?').join(', ')})`,
      [...chunk],
    );
  }
}

/** Adds catalog rows of one kind. */
async function insertRows(
  conn: DuckDBConnection,
  kind: string,
  rows: [string, string | null][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await conn.run(
      `INSERT INTO ${CATALOG_TABLE} VALUES ${chunk.map(() => `('${kind}', ?, ?)`).join(', ')}`,
      chunk.flat(),
    );
  }
}

/**
 * Raises the next offset of each `source \0 generation` in `moved` to the value given; an offset
 * never goes down (a seal of older segments after newer ones keeps the newer offsets).
 */
export async function upsertOffsets(
  conn: DuckDBConnection,
  moved: Iterable<[OffsetKey, number]>,
): Promise<void> {
  const next = new Map<string, number>();
  for (const [key, n] of moved) {
    const sep = key.indexOf('\0');
    const k = offsetKey(key.slice(0, sep), key.slice(sep + 1));
    next.set(k, Math.max(n, next.get(k) ?? 0));
  }
  if (next.size === 0) return;
  const keys = [...next.keys()];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const r = await conn.runAndReadAll(
      `SELECT key, max(value::BIGINT) FROM ${CATALOG_TABLE} WHERE kind = '${KIND.offset}' AND key IN (${chunk.map(() => '?').join(', ')}) GROUP BY key`,
      chunk,
    );
    for (const [k, n] of r.getRowsJson()) next.set(String(k), Math.max(Number(n), next.get(String(k)) ?? 0));
  }
  await deleteKeys(conn, KIND.offset, keys);
  await insertRows(
    conn,
    KIND.offset,
    [...next].map(([k, n]) => [k, String(n)]),
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
  const value = {
    min_us: part.minUs,
    max_us: part.maxUs,
    rows: part.rows,
    bytes: part.bytes,
    raw_bytes: part.rawBytes,
    levels: jsonValue(summary.levels),
    services: jsonValue(summary.services),
    sealed_at: Date.now() * 1000,
    segments,
    offsets,
  };
  await deleteKeys(conn, KIND.partition, [part.file]);
  await insertRows(conn, KIND.partition, [[part.file, JSON.stringify(value)]]);
}

/** Unlists a partition retention removes, noting it as retired (see RETIRED_TABLE), in one commit. */
export async function retirePartition(conn: DuckDBConnection, file: string): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await retireIn(conn, [file]);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Unlists partitions and notes them as retired, inside the caller's transaction. */
export async function retireIn(conn: DuckDBConnection, files: readonly string[]): Promise<void> {
  await deleteKeys(conn, KIND.partition, files);
  await deleteKeys(conn, KIND.retired, files);
  await insertRows(
    conn,
    KIND.retired,
    files.map((f) => [f, null]),
  );
}

/** Forgets the retired files: their unlinks are done. */
export async function clearRetired(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DELETE FROM ${CATALOG_TABLE} WHERE kind = '${KIND.retired}'`);
}

/** Removes the rows of partitions (their files are gone or moved aside). */
export async function deletePartitions(conn: DuckDBConnection, files: readonly string[]): Promise<void> {
  await deleteKeys(conn, KIND.partition, files);
}

/** Lists exactly `segments` as the segment files expected on disk. */
export async function replaceSegmentFiles(
  conn: DuckDBConnection,
  segments: readonly Segment[],
): Promise<void> {
  await conn.run(`DELETE FROM ${CATALOG_TABLE} WHERE kind = '${KIND.segment}'`);
  await insertRows(
    conn,
    KIND.segment,
    segments.map((seg) => [
      seg.file,
      JSON.stringify({
        rows: seg.rows,
        min_us: safeUs(seg.minUs),
        max_us: safeUs(seg.maxUs),
        offsets: seg.offsets,
      }),
    ]),
  );
}

/** Unlists segment files a seal took. */
export async function deleteSegmentFiles(conn: DuckDBConnection, files: readonly string[]): Promise<void> {
  await deleteKeys(conn, KIND.segment, files);
}

/** The segments each listed partition was sealed from, and the offsets after its rows (null when unknown). */
export async function partitionSources(
  conn: DuckDBConnection,
): Promise<Map<string, { segments: string[] | null; offsets: [string, number][] }>> {
  const out = new Map<string, { segments: string[] | null; offsets: [string, number][] }>();
  const r = await conn.runAndReadAll(`SELECT file, segments, offsets FROM ${PARTITIONS_TABLE}`);
  for (const [file, segments, offsets] of r.getRowsJson()) {
    out.set(String(file), {
      segments: segments === null ? null : (JSON.parse(String(segments)) as string[] | null),
      offsets: offsets === null ? [] : (JSON.parse(String(offsets)) as [string, number][]),
    });
  }
  return out;
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

function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? JSON.parse(v) : v;
}
