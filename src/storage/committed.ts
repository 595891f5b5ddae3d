/**
 * What the store holds of a content fingerprint: for each source that stored content with it, the
 * last committed line and its offset. A collector meeting a file its checkpoint does not know
 * checks the file holds that line at that offset, and if so carries on after it under the same
 * source id instead of storing the file again.
 */
import type { StorageEngine } from '../core/storage.js';

/** One source's last committed line of some content. */
export interface CommittedPosition {
  source: string;
  generation: string;
  offset: number;
  raw: string;
}

/**
 * The last committed line of each (source, generation) whose generation is this fingerprint. The
 * offsets come from the store's own record (rows still in segment files included), the lines
 * from a query.
 */
export async function committedPositions(
  store: StorageEngine,
  fingerprint: string,
): Promise<CommittedPosition[]> {
  const known = store.committedOffsets(fingerprint).filter((o) => o.next > 0);
  if (known.length === 0) return [];
  const params: (string | number)[] = [];
  const tuples = known.map((o) => {
    params.push(o.source, o.generation, o.next - 1);
    return '(source = ? AND generation = ? AND "offset" = ?)';
  });
  const r = await store.query({
    sql: `SELECT source, generation, "offset", raw FROM logs WHERE ${tuples.join(' OR ')}`,
    params,
  });
  return r.rows.map((row) => ({
    source: String(row.source),
    generation: String(row.generation),
    offset: Number(row.offset),
    raw: String(row.raw),
  }));
}
