/**
 * Writes to the catalog's tables: a partition's row, and the committed offsets. Callers run
 * them inside their own transaction on the writer connection.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Partition } from './partitions.js';
import { OFFSETS_TABLE, PARTITIONS_TABLE } from './schema.js';
import type { OffsetKey } from './state.js';

/** Sets the next offset of each `source \0 generation` in `moved`. */
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
    `INSERT OR REPLACE INTO ${OFFSETS_TABLE} (source, generation, next_offset, updated_at) VALUES ${values.join(', ')}`,
    params,
  );
}

/** The catalog row of a new partition; `segments` names the segment files it replaces. */
export async function insertPartition(
  conn: DuckDBConnection,
  part: Partition,
  summary: Record<string, unknown>,
  segments: string[] | null,
): Promise<void> {
  await conn.run(
    `INSERT INTO ${PARTITIONS_TABLE} (file, min_ts, max_ts, rows, bytes, raw_bytes, levels, services, sealed_at, segments) VALUES (?, make_timestamp(?::BIGINT), make_timestamp(?::BIGINT), ?, ?, ?, ?, ?, now(), ?)`,
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
    ],
  );
}

function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
