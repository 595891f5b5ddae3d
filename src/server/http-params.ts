/**
 * Reading an API request's parameters, and answering its errors, one way for every route: a
 * parameter that does not read is a 400 naming it; a query error carries its position.
 */
import type { Context } from 'hono';
import { QueryError, UserError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import { formatMicros, parseTimeArgument } from '../core/time.js';
import { MAX_WHOLE, rangeText, wholeNumber } from '../core/whole-numbers.js';
import { LinkAuthError } from './link-auth.js';

/** `since`, `from` and `to` query parameters as epoch µs. */
export function timeRange(c: Context, now = Date.now()): { fromUs?: number; toUs?: number } {
  const since = c.req.query('since');
  const from = c.req.query('from');
  const to = c.req.query('to');
  if (since && from) throw new UserError('give since or from, not both');
  const startName = from ? 'from' : 'since';
  const start = from ?? since;
  const fromUs = start ? parseTimeArgument(startName, start, now) : undefined;
  const toUs = to ? parseTimeArgument('to', to, now) : undefined;
  // The CLI swaps a reversed range with a note; an API client has nowhere to read a note, and an
  // empty answer would hide the slip.
  if (fromUs !== undefined && toUs !== undefined && fromUs > toUs)
    throw new UserError(`${startName} (${formatMicros(fromUs)}) is after to (${formatMicros(toUs)})`);
  return { fromUs, toUs };
}

/**
 * Errors as JSON: query errors carry their position; internal protocols without the link secret
 * are 401 or 403; a missing thing is 404; other user errors are 400, store failures 500.
 */
export function errorResponse(c: Context, err: unknown): Response {
  if (err instanceof LinkAuthError)
    return c.json({ error: { type: 'auth', message: err.message } }, err.status);
  if (err instanceof QueryError) {
    return c.json(
      { error: { type: 'query', message: err.detail, position: err.position, query: err.query } },
      400,
    );
  }
  if (err instanceof NotFoundError)
    return c.json({ error: { type: 'not_found', message: err.message } }, 404);
  if (err instanceof UserError) return c.json({ error: { type: 'request', message: err.message } }, 400);
  return c.json({ error: { type: 'storage', message: (err as Error).message } }, 500);
}

/** What a read-only JSON route needs: the store and the API's query time bound. */
export interface RouteDeps {
  store: StorageEngine;
  queryTimeoutMs?: number;
}

/** A GET handler answering `answer(c)` as JSON, and any error as `errorResponse` does. */
export function jsonRoute(answer: (c: Context) => Promise<unknown>): (c: Context) => Promise<Response> {
  return async (c) => {
    try {
      return c.json(await answer(c));
    } catch (err) {
      return errorResponse(c, err);
    }
  };
}

/** What a request named is not in the store (an event's identity): HTTP 404. */
export class NotFoundError extends UserError {
  override name = 'NotFoundError';
}

export function positiveInt(text: string, name: string): number {
  return wholeIn(text, name, 1);
}

export function wholeInt(text: string, name: string): number {
  return wholeIn(text, name, 0);
}

/** `text` as a whole number from `min` to `max`, or a UserError naming the parameter. */
export function wholeIn(text: string, name: string, min: number, max: number = MAX_WHOLE): number {
  const n = wholeNumber(text, min, max);
  if (n === null)
    throw new UserError(`${name} must be a whole number from ${rangeText(min, max)}, got "${text}"`);
  return n;
}

/** Query parameter `name` as a whole number from `min` to `max`; `fallback` when absent or empty. */
export function intParam(c: Context, name: string, min: number, max: number, fallback: number): number {
  const text = c.req.query(name);
  return text === undefined || text === '' ? fallback : wholeIn(text, name, min, max);
}

/** A query parameter that must be present and not empty. */
export function requiredParam(c: Context, name: string): string {
  const text = c.req.query(name);
  if (text === undefined || text === '') throw new UserError(`${name} is required`);
  return text;
}
