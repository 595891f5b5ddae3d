/**
 * Field facets for the search UI: which fields the matching events carry, their type, and their
 * most common values, computed over a sample of the newest matching events.
 */
import type { StorageEngine } from '../core/storage.js';
import { parseQuery, planQuery } from '../query/index.js';

export interface FieldFacet {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'mixed';
  /** Events in the sample that carry the field. */
  count: number;
  top: { value: string | number | boolean; count: number }[];
}

export interface FieldsResponse {
  sampled: number;
  fields: FieldFacet[];
}

const SKIP = new Set(['ts', 'message', 'raw', 'fields', 'offset', 'generation']);

/** Facets over the newest `sample` events matching `q` in the range. */
export async function fieldFacets(
  store: StorageEngine,
  req: { q: string; fromUs?: number; toUs?: number; sample?: number; top?: number },
): Promise<FieldsResponse> {
  const ast = parseQuery(req.q);
  // Facets describe events, so only the search part of a piped query counts.
  const plan = planQuery({ ...ast, stages: [] }, store.dialect, {
    fromUs: req.fromUs,
    toUs: req.toUs,
    limit: req.sample ?? 10_000,
  });
  const r = await store.query(plan, { maxRows: req.sample ?? 10_000, range: plan.range });
  const stats = new Map<
    string,
    { types: Set<string>; count: number; values: Map<string | number | boolean, number> }
  >();
  const see = (name: string, v: unknown) => {
    if (v === null || v === undefined || SKIP.has(name)) return;
    if (typeof v === 'object') return;
    let s = stats.get(name);
    if (!s) stats.set(name, (s = { types: new Set(), count: 0, values: new Map() }));
    s.types.add(typeof v);
    s.count++;
    const key = v as string | number | boolean;
    s.values.set(key, (s.values.get(key) ?? 0) + 1);
  };
  for (const row of r.rows) {
    for (const [k, v] of Object.entries(row)) {
      if (k === 'fields' && v && typeof v === 'object') for (const [fk, fv] of Object.entries(v)) see(fk, fv);
      else see(k, v);
    }
  }
  const topN = req.top ?? 10;
  const fields: FieldFacet[] = [...stats].map(([name, s]) => ({
    name,
    type: s.types.size === 1 ? ([...s.types][0] as FieldFacet['type']) : 'mixed',
    count: s.count,
    top: [...s.values]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([value, count]) => ({ value, count })),
  }));
  fields.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return { sampled: r.rows.length, fields };
}
