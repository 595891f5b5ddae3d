/**
 * GET /api/context: the events around one event in its file, as `less` would show them: the
 * lines before and after it in the same source and generation, in offset order. Each side asks
 * for one row more than it returns, to know whether more lie beyond; paging further is a new
 * request naming the first or last row's identity.
 */

import type { Context } from 'hono';
import type { StorageEngine } from '../core/storage.js';
import { type EventIdentity, planContext } from '../query/index.js';
import { cutRows, engineChars, maxValueBytesParam } from './cut-values.js';
import { intParam, jsonRoute, NotFoundError, type RouteDeps, requiredParam, wholeIn } from './http-params.js';

export const DEFAULT_CONTEXT_ROWS = 50;
export const MAX_CONTEXT_ROWS = 1000;

export interface ContextRequest extends EventIdentity {
  before?: number;
  after?: number;
  timeoutMs?: number;
  /** Rows with their long values cut to this many UTF-8 bytes, and marked (cut-values.ts). */
  maxValueBytes?: number;
}

type Row = Record<string, unknown>;

export interface ContextResponse {
  hit: Row;
  /** Up to `before` events before the hit, oldest first. */
  before: Row[];
  /** Up to `after` events after the hit, oldest first. */
  after: Row[];
  more_before: boolean;
  more_after: boolean;
}

/** The hit and its neighbours; NotFoundError when the store holds no event with that identity. */
export async function eventContext(store: StorageEngine, req: ContextRequest): Promise<ContextResponse> {
  const nBefore = req.before ?? DEFAULT_CONTEXT_ROWS;
  const nAfter = req.after ?? DEFAULT_CONTEXT_ROWS;
  const d = store.dialect;
  const cut = req.maxValueBytes;
  const chars = cut === undefined ? undefined : engineChars(cut);
  const run = async (side: 'hit' | 'before' | 'after', n: number) => {
    const r = await store.query(planContext(d, req, side, n, chars), {
      maxRows: n,
      timeoutMs: req.timeoutMs,
    });
    if (cut !== undefined) cutRows(r.rows, cut);
    return r;
  };
  const [hit, before, after] = await Promise.all([
    run('hit', 1),
    run('before', nBefore + 1),
    run('after', nAfter + 1),
  ]);
  if (hit.rows.length === 0) throw notFound(req);
  return {
    hit: hit.rows[0],
    // Nearest first from the store: the earlier rows are turned around to read oldest first.
    before: before.rows.slice(0, nBefore).reverse(),
    after: after.rows.slice(0, nAfter),
    more_before: before.rows.length > nBefore,
    more_after: after.rows.length > nAfter,
  };
}

/** The answer to an identity the store does not hold. */
export function notFound(id: EventIdentity): NotFoundError {
  return new NotFoundError(
    `no event at source "${id.source}", generation "${id.generation}", offset ${id.offset}`,
  );
}

/** An event's identity from the `source`, `generation` and `offset` parameters. */
export function identityParams(c: Context): EventIdentity {
  return {
    source: requiredParam(c, 'source'),
    generation: requiredParam(c, 'generation'),
    offset: wholeIn(requiredParam(c, 'offset'), 'offset', 0),
  };
}

/** The handler of GET /api/context. */
export function contextRoute(opts: RouteDeps): (c: Context) => Promise<Response> {
  return jsonRoute((c) =>
    eventContext(opts.store, {
      ...identityParams(c),
      before: intParam(c, 'before', 0, MAX_CONTEXT_ROWS, DEFAULT_CONTEXT_ROWS),
      after: intParam(c, 'after', 0, MAX_CONTEXT_ROWS, DEFAULT_CONTEXT_ROWS),
      timeoutMs: opts.queryTimeoutMs,
      maxValueBytes: maxValueBytesParam(c),
    }),
  );
}
