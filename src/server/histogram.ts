/**
 * GET /api/histogram: how many events match a search per time bucket, by level, every bucket of
 * the range listed (zeros for empty ones) for a volume chart. One `timechart … count by level`
 * over the search part of the query (pipes are ignored, as facets ignore them); the bucket width
 * is the smallest round step that gives at most `buckets` buckets.
 */

import type { Context } from 'hono';
import { TIME_BUCKET_ORIGIN_US } from '../core/dialect.js';
import { UserError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import { formatMicros, parseIsoMicros } from '../core/time.js';
import { parseQuery, planQuery, resolveField, type Stage } from '../query/index.js';
import { intParam, jsonRoute, type RouteDeps, timeRange } from './http-params.js';

export const DEFAULT_HISTOGRAM_BUCKETS = 60;
export const MAX_HISTOGRAM_BUCKETS = 500;

const S = 1_000_000;
/** The bucket widths, µs, smallest first; past the last, whole multiples of it. */
export const NICE_STEPS_US = [
  S,
  5 * S,
  10 * S,
  30 * S,
  60 * S,
  300 * S,
  600 * S,
  1800 * S,
  3600 * S,
  3 * 3600 * S,
  6 * 3600 * S,
  12 * 3600 * S,
  86_400 * S,
  7 * 86_400 * S,
];

/** Levels in the order a chart stacks them: these first (those present), then others, then none. */
const LEVEL_ORDER = ['error', 'warn', 'info', 'debug', 'fatal', 'trace', 'unknown'];
/** The level of events without one. */
export const NO_LEVEL = 'none';
/** Range used when the request names no start and the store holds nothing. */
const EMPTY_RANGE_US = 15 * 60 * S;

export interface HistogramRequest {
  q: string;
  fromUs?: number;
  toUs?: number;
  buckets?: number;
  timeoutMs?: number;
  nowMs?: number;
}

export interface HistogramResponse {
  /** The range counted (ISO); buckets start on round times, so the first may start before `from`. */
  from: string;
  to: string;
  step_ms: number;
  levels: string[];
  buckets: { t: string; total: number; counts: Record<string, number> }[];
}

/** The smallest nice step giving at most `max` buckets over [fromUs, toUs). */
export function histogramStep(fromUs: number, toUs: number, max: number): number {
  const fits = (step: number) => bucketCount(fromUs, toUs, step) <= max;
  for (const step of NICE_STEPS_US) if (fits(step)) return step;
  const week = NICE_STEPS_US[NICE_STEPS_US.length - 1];
  let k = Math.max(2, Math.floor((toUs - fromUs) / (week * max)));
  while (!fits(k * week)) k++;
  return k * week;
}

/** Where the bucket holding `us` starts, buckets counted from TIME_BUCKET_ORIGIN_US (as timechart). */
export function bucketStart(us: number, step: number): number {
  return TIME_BUCKET_ORIGIN_US + Math.floor((us - TIME_BUCKET_ORIGIN_US) / step) * step;
}

function bucketCount(fromUs: number, toUs: number, step: number): number {
  if (toUs <= fromUs) return 1;
  return Math.floor((bucketStart(toUs - 1, step) - bucketStart(fromUs, step)) / step) + 1;
}

/** Counts per bucket and level of the events `req.q`'s search matches in the range. */
export async function histogram(store: StorageEngine, req: HistogramRequest): Promise<HistogramResponse> {
  const max = req.buckets ?? DEFAULT_HISTOGRAM_BUCKETS;
  const nowUs = (req.nowMs ?? Date.now()) * 1000;
  const toUs = req.toUs ?? nowUs;
  const fromUs = req.fromUs ?? (await oldest(store)) ?? toUs - EMPTY_RANGE_US;
  if (fromUs >= toUs)
    throw new UserError(
      `the range is empty: from ${formatMicros(fromUs)} is not before to ${formatMicros(toUs)}`,
    );
  const step = histogramStep(fromUs, toUs, max);
  const ast = parseQuery(req.q);
  const level = resolveField('level');
  const chart: Stage = {
    type: 'timechart',
    intervalUs: step,
    aggs: [{ fn: 'count', field: null, name: 'count' }],
    by: [{ kind: 'field', field: level }],
    pos: 0,
  };
  const plan = planQuery({ ...ast, stages: [chart] }, store.dialect, { fromUs, toUs });
  const first = bucketStart(fromUs, step);
  const n = bucketCount(fromUs, toUs, step);
  const buckets = Array.from({ length: n }, (_, i) => ({
    t: formatMicros(first + i * step),
    total: 0,
    counts: {} as Record<string, number>,
  }));
  // Levels are a closed list (core/events.ts LEVELS) and null: at most 8 rows per bucket.
  const r = await store.query(plan, { maxRows: n * 16, timeoutMs: req.timeoutMs, range: plan.range });
  const present = new Set<string>();
  for (const row of r.rows) {
    const i = Math.round((parseIsoMicros(String(row.time)) - first) / step);
    const b = buckets[i];
    if (b === undefined) continue;
    const name = row.level === null || row.level === undefined ? NO_LEVEL : String(row.level);
    const count = Number(row.count);
    present.add(name);
    b.counts[name] = (b.counts[name] ?? 0) + count;
    b.total += count;
  }
  const levels = [
    ...LEVEL_ORDER.filter((l) => present.has(l)),
    ...[...present].filter((l) => l !== NO_LEVEL && !LEVEL_ORDER.includes(l)).sort(),
    ...(present.has(NO_LEVEL) ? [NO_LEVEL] : []),
  ];
  for (const b of buckets) for (const l of levels) b.counts[l] ??= 0;
  return { from: formatMicros(fromUs), to: formatMicros(toUs), step_ms: step / 1000, levels, buckets };
}

/** The store's oldest event time (µs), or null when it holds none. */
async function oldest(store: StorageEngine): Promise<number | null> {
  const s = await store.stats();
  return s.oldest === null ? null : Date.parse(s.oldest) * 1000;
}

/** The handler of GET /api/histogram. */
export function histogramRoute(opts: RouteDeps): (c: Context) => Promise<Response> {
  return jsonRoute((c) =>
    histogram(opts.store, {
      q: c.req.query('q') ?? '*',
      ...timeRange(c),
      buckets: intParam(c, 'buckets', 1, MAX_HISTOGRAM_BUCKETS, DEFAULT_HISTOGRAM_BUCKETS),
      timeoutMs: opts.queryTimeoutMs,
    }),
  );
}
