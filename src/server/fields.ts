/**
 * Field facets (what Kibana's sidebar shows): which fields the matching events carry, their type,
 * how many events carry each (and what share: `coverage`), their most common values, and for
 * numbers their least, greatest, median and 99th percentile. They are computed over a sample, the
 * newest `sample` matching events (10,000 by default): one read of a page of rows, however large
 * the store, where counting every field's values over every match would read every column of
 * every match. With `count`, the matches are also counted (within TOTAL_COUNT_MS), so a reader
 * knows how much the sample stands for.
 */
import { isStorageError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import { parseQuery, planQuery, type Stage } from '../query/index.js';
import { TOTAL_COUNT_MS } from './query-service.js';

export interface FieldFacet {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'time' | 'mixed';
  /** Events in the sample that carry the field. */
  count: number;
  /** `count` ÷ the events sampled: the share of events that carry the field, 0 to 1. */
  coverage: number;
  /** The most common values, most common first (none for `ts`: every value is its own). */
  top: { value: string | number | boolean; count: number }[];
  /** For numbers and times: the least and greatest value in the sample. */
  min?: number | string;
  max?: number | string;
  /**
   * For numbers: the median and the 99th percentile of the sample's values, by linear
   * interpolation as the query language's `p50`/`p99` (position (n - 1) * q among the sorted values).
   */
  p50?: number;
  p99?: number;
}

export interface FieldsResponse {
  /** Events the facets were computed over: the newest matching ones. */
  sampled: number;
  /** With `count`: every matching event; null when counting took too long. */
  matched?: number | null;
  fields: FieldFacet[];
}

/** The sample's default size, and the most a request may ask for. */
export const DEFAULT_FIELDS_SAMPLE = 10_000;
export const MAX_FIELDS_SAMPLE = 100_000;

/** Columns that are not fields of an event: its identity in the store, its line, the JSON bag. */
const SKIP = new Set(['raw', 'fields', 'offset', 'generation']);
/** Longest value text kept as a top value (a message can be long). */
const MAX_VALUE_CHARS = 200;

interface Stats {
  types: Set<string>;
  count: number;
  values: Map<string | number | boolean, number>;
  min?: number | string;
  max?: number | string;
  /** The numbers seen, for percentiles. */
  numbers: number[];
}

/** Facets over the newest `sample` events matching `q` in the range. */
export async function fieldFacets(
  store: StorageEngine,
  req: { q: string; fromUs?: number; toUs?: number; sample?: number; top?: number; count?: boolean },
): Promise<FieldsResponse> {
  const ast = parseQuery(req.q);
  const sample = req.sample ?? DEFAULT_FIELDS_SAMPLE;
  // Facets describe events, so only the search part of a piped query counts.
  const search = { ...ast, stages: [] };
  const plan = planQuery(search, store.dialect, { fromUs: req.fromUs, toUs: req.toUs, limit: sample });
  const r = await store.query(plan, { maxRows: sample, range: plan.range });
  const stats = new Map<string, Stats>();
  const see = (name: string, v: unknown, type?: string) => {
    if (v === null || v === undefined || SKIP.has(name)) return;
    if (typeof v === 'object') return;
    let s = stats.get(name);
    if (!s) stats.set(name, (s = { types: new Set(), count: 0, values: new Map(), numbers: [] }));
    s.types.add(type ?? typeof v);
    s.count++;
    if (typeof v === 'number' || type === 'time') {
      const x = v as number | string;
      if (s.min === undefined || x < s.min) s.min = x;
      if (s.max === undefined || x > s.max) s.max = x;
      if (typeof v === 'number') s.numbers.push(v);
    }
    if (type === 'time') return;
    const key = typeof v === 'string' && v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS)}…` : v;
    s.values.set(key as string | number | boolean, (s.values.get(key as string) ?? 0) + 1);
  };
  for (const row of r.rows) {
    for (const [k, v] of Object.entries(row)) {
      if (k === 'fields' && v && typeof v === 'object') {
        for (const [fk, fv] of Object.entries(v)) see(fk, fv);
      } else if (k === 'fields' && typeof v === 'string' && v.startsWith('{')) {
        // An engine may give the JSON column as its text.
        try {
          for (const [fk, fv] of Object.entries(JSON.parse(v) as Record<string, unknown>)) see(fk, fv);
        } catch {}
      } else see(k, v, k === 'ts' ? 'time' : undefined);
    }
  }
  const topN = req.top ?? 10;
  const fields: FieldFacet[] = [...stats].map(([name, s]) => ({
    name,
    type: s.types.size === 1 ? ([...s.types][0] as FieldFacet['type']) : 'mixed',
    count: s.count,
    coverage: r.rows.length > 0 ? s.count / r.rows.length : 0,
    top: [...s.values]
      .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
      .slice(0, topN)
      .map(([value, count]) => ({ value, count })),
    ...(s.min !== undefined && s.types.size === 1 ? { min: s.min, max: s.max } : {}),
    ...(s.types.size === 1 && s.types.has('number') ? percentiles(s.numbers) : {}),
  }));
  fields.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  if (!req.count) return { sampled: r.rows.length, fields };
  const matched =
    r.rows.length < sample ? r.rows.length : await countMatches(store, search, req.fromUs, req.toUs);
  return { sampled: r.rows.length, matched, fields };
}

/** p50 and p99 of the values (sorted here; the array is the field's own). */
function percentiles(values: number[]): { p50: number; p99: number } {
  values.sort((a, b) => a - b);
  return { p50: quantile(values, 0.5), p99: quantile(values, 0.99) };
}

/** Quantile `q` of sorted values as DuckDB's quantile_cont: lo * (1 - f) + hi * f at (n - 1) * q. */
export function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const f = pos - lo;
  return sorted[lo] * (1 - f) + sorted[hi] * f;
}

/** Every event the search matches, or null when counting takes longer than TOTAL_COUNT_MS. */
async function countMatches(
  store: StorageEngine,
  search: ReturnType<typeof parseQuery>,
  fromUs: number | undefined,
  toUs: number | undefined,
): Promise<number | null> {
  const count: Stage = { type: 'stats', aggs: [{ fn: 'count', field: null, name: 'count' }], by: [], pos: 0 };
  const plan = planQuery({ ...search, stages: [count] }, store.dialect, { fromUs, toUs });
  try {
    const r = await store.query(plan, { maxRows: 1, timeoutMs: TOTAL_COUNT_MS, range: plan.range });
    const n = Number(r.rows[0]?.count);
    return Number.isFinite(n) ? n : null;
  } catch (err) {
    if (isStorageError(err, 'timeout')) return null;
    throw err;
  }
}
