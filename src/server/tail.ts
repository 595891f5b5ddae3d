/**
 * Live tail: follows a search over events as they are committed. Each poll asks the store only
 * for rows committed since the last one (by the store's ingest watermark), so nothing is shown
 * twice and nothing committed is missed, whatever the events' own timestamps.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { QueryError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import { parseQuery, planQuery } from '../query/index.js';
import { cutRows, engineChars } from './cut-values.js';

export interface TailOptions {
  /** A search (no pipes). */
  q: string;
  signal: AbortSignal;
  /** Called with each batch of new matching rows, oldest first. */
  onRows: (rows: Record<string, unknown>[], columns: string[]) => void | Promise<void>;
  /** How often to look for new commits; default 100 ms. */
  pollMs?: number;
  /** Rows shown per poll at most; more are counted in `onSkipped`. Default 5,000. */
  maxRowsPerPoll?: number;
  onSkipped?: (n: number) => void;
  /** Rows also carry `generation` and `offset` (PlanOptions.identity). */
  identity?: boolean;
  /** Rows with their long values cut to this many UTF-8 bytes, and marked (cut-values.ts). */
  maxValueBytes?: number;
}

/** Checks that a query can be followed, before any stream is opened. */
export function assertTailable(q: string): void {
  const ast = parseQuery(q);
  if (ast.stages.length > 0) {
    throw new QueryError(
      'tail follows a search; pipes such as "| count" are for logpipe query',
      q,
      q.indexOf('|'),
    );
  }
}

/** Follows `q` until the signal aborts. */
export async function followQuery(store: StorageEngine, opts: TailOptions): Promise<void> {
  assertTailable(opts.q);
  const max = opts.maxRowsPerPoll ?? 5000;
  const cut = opts.maxValueBytes;
  const plan = planQuery(parseQuery(opts.q), store.dialect, {
    limit: max + 1,
    identity: opts.identity,
    maxValueChars: cut === undefined ? undefined : engineChars(cut),
  });
  let last = store.watermark();
  while (!opts.signal.aborted) {
    await sleep(opts.pollMs ?? 100, opts.signal);
    const now = store.watermark();
    if (now <= last || opts.signal.aborted) continue;
    const r = await store.query(plan, { maxRows: max + 1, ingested: { afterUs: last, upToUs: now } });
    last = now;
    if (r.rows.length === 0) continue;
    if (r.rows.length > max) opts.onSkipped?.(r.rows.length - max);
    // The plan lists newest first; a tail reads oldest first.
    const rows = r.rows.slice(0, max).reverse();
    if (cut !== undefined) cutRows(rows, cut);
    await opts.onRows(rows, r.columns);
  }
}

/**
 * Waits `ms` or until the signal aborts. Node's own timer removes its abort listener when the
 * time is up; one added here per poll and never removed was an `11 abort listeners`
 * MaxListenersExceededWarning after a second of tailing.
 */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => {});
}
