/**
 * What the store holds of a content fingerprint: for each source that stored content with it, the
 * last committed line and its offset. A collector meeting a file its checkpoint does not know
 * checks the file holds that line at that offset, and if so carries on after it under the same
 * source id instead of storing the file again.
 */
import type { StorageEngine } from '../core/storage.js';
import { OFFSETS_TABLE } from './duckdb/schema.js';

/** One source's last committed line of some content. */
export interface CommittedPosition {
  source: string;
  generation: string;
  offset: number;
  raw: string;
}

/** The last committed line of each (source, generation) whose generation is this fingerprint. */
export async function committedPositions(
  store: StorageEngine,
  fingerprint: string,
): Promise<CommittedPosition[]> {
  const r = await store.query({
    sql: `SELECT o.source, o.generation, l."offset", l.raw FROM ${OFFSETS_TABLE} o JOIN logs l ON l.source = o.source AND l.generation = o.generation AND l."offset" = o.next_offset - 1 WHERE o.generation = ? OR starts_with(o.generation, ?)`,
    params: [fingerprint, `${fingerprint}-`],
  });
  return r.rows.map((row) => ({
    source: String(row.source),
    generation: String(row.generation),
    offset: Number(row.offset),
    raw: String(row.raw),
  }));
}
