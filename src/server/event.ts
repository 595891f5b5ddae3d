/**
 * GET /api/event: one event, whole, by its identity (`source`, `generation`, `offset`, as event
 * rows carry them). A list asks for its pages with `max_value_bytes`, and for the event a reader
 * opens, copies or filters on here.
 */
import type { Context } from 'hono';
import type { StorageEngine } from '../core/storage.js';
import { type EventIdentity, planContext } from '../query/index.js';
import { identityParams, notFound } from './context.js';
import { jsonRoute, type RouteDeps } from './http-params.js';

/** The event with that identity; NotFoundError when the store holds none. */
export async function eventById(
  store: StorageEngine,
  id: EventIdentity,
  timeoutMs?: number,
): Promise<{ event: Record<string, unknown> }> {
  const r = await store.query(planContext(store.dialect, id, 'hit', 1), { maxRows: 1, timeoutMs });
  if (r.rows.length === 0) throw notFound(id);
  return { event: r.rows[0] };
}

/** The handler of GET /api/event. */
export function eventRoute(opts: RouteDeps): (c: Context) => Promise<Response> {
  return jsonRoute((c) => eventById(opts.store, identityParams(c), opts.queryTimeoutMs));
}
