/**
 * What the store holds of imported files, for the per-file report of `logpipe store --import`:
 * events and time range per source and generation, asked of the store before and after, so the
 * report says what this import added and which times the file covers.
 */
import type { StorageEngine } from '../core/storage.js';

/** Events the store holds of one file's content, and their time range (ISO, UTC). */
export interface StoredOfFile {
  events: number;
  first: string | null;
  last: string | null;
}

/** Sources per query: bounds the statement's parameters. */
const SOURCES_PER_QUERY = 500;

/** The key of a source and generation in `storedOf`'s answer. */
export function storedKey(source: string, generation: string): string {
  return `${source}\u0000${generation}`;
}

/** What the store holds of these sources, by storedKey(source, generation). */
export async function storedOf(store: StorageEngine, sources: string[]): Promise<Map<string, StoredOfFile>> {
  const out = new Map<string, StoredOfFile>();
  const d = store.dialect;
  const [src, gen, ts] = [d.ident('source'), d.ident('generation'), d.ident('ts')];
  for (let i = 0; i < sources.length; i += SOURCES_PER_QUERY) {
    const part = sources.slice(i, i + SOURCES_PER_QUERY);
    const res = await store.query({
      sql: `SELECT ${src} AS s, ${gen} AS g, count(*) AS n, min(${ts}) AS lo, max(${ts}) AS hi FROM ${d.table} WHERE ${src} IN (${part.map(() => '?').join(', ')}) GROUP BY ${src}, ${gen}`,
      params: part,
    });
    for (const row of res.rows) {
      out.set(storedKey(String(row.s), String(row.g)), {
        events: Number(row.n),
        first: (row.lo as string | null) ?? null,
        last: (row.hi as string | null) ?? null,
      });
    }
  }
  return out;
}
