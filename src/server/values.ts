/**
 * GET /api/values: the values a field takes among the events a search matches, those starting with
 * a prefix (any case), most common first: what autocomplete offers after `field:`. One `top`
 * over the search part of the query, narrowed by a case-insensitive regex anchored at the
 * start of the field's text (the prefix escaped, travelling as a bound parameter).
 */

import type { Context } from 'hono';
import { UserError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import { type Expr, isFieldName, parseQuery, planQuery, resolveField } from '../query/index.js';
import { intParam, jsonRoute, type RouteDeps, requiredParam, timeRange } from './http-params.js';

export const DEFAULT_VALUES_LIMIT = 20;
export const MAX_VALUES_LIMIT = 1000;
/** Longest prefix taken: autocomplete types a few characters, not a page. */
export const MAX_PREFIX_CHARS = 1000;

export interface ValuesRequest {
  field: string;
  prefix?: string;
  q?: string;
  fromUs?: number;
  toUs?: number;
  limit?: number;
  timeoutMs?: number;
}

export interface ValuesResponse {
  field: string;
  values: { value: string | number | boolean; count: number }[];
}

/** `text` with every character a regex gives a meaning to escaped (RE2 and JavaScript alike). */
export function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}/-]/g, '\\$&');
}

/** The most common values of `req.field` starting with `req.prefix`. */
export async function fieldValues(store: StorageEngine, req: ValuesRequest): Promise<ValuesResponse> {
  if (!isFieldName(req.field))
    throw new UserError(`field must be a field name (letters, digits, _ . @ -), got "${req.field}"`);
  const field = resolveField(req.field);
  if (field.column === 'timestamp')
    throw new UserError(`field ${req.field} is a time: each event has its own; ask /api/histogram instead`);
  const prefix = req.prefix ?? '';
  if (prefix.length > MAX_PREFIX_CHARS)
    throw new UserError(`prefix must be at most ${MAX_PREFIX_CHARS} characters, got ${prefix.length}`);
  const ast = parseQuery(req.q ?? '*');
  const starts: Expr = {
    type: 'regex',
    field,
    pattern: `^${regexLiteral(prefix)}`,
    ignoreCase: true,
    pos: 0,
  };
  const filter: Expr = prefix === '' ? ast.filter : { type: 'and', exprs: [ast.filter, starts], pos: 0 };
  const limit = req.limit ?? DEFAULT_VALUES_LIMIT;
  const plan = planQuery(
    {
      ...ast,
      filter,
      stages: [{ type: 'top', n: limit, field: { kind: 'field', field }, pos: 0 }],
    },
    store.dialect,
    { fromUs: req.fromUs, toUs: req.toUs },
  );
  const r = await store.query(plan, { maxRows: limit, timeoutMs: req.timeoutMs, range: plan.range });
  return {
    field: req.field,
    values: r.rows.map((row) => ({
      value: row[req.field] as string | number | boolean,
      count: Number(row.count),
    })),
  };
}

/** The handler of GET /api/values. */
export function valuesRoute(opts: RouteDeps): (c: Context) => Promise<Response> {
  return jsonRoute((c) =>
    fieldValues(opts.store, {
      field: requiredParam(c, 'field'),
      prefix: c.req.query('prefix'),
      q: c.req.query('q') ?? '*',
      ...timeRange(c),
      limit: intParam(c, 'limit', 1, MAX_VALUES_LIMIT, DEFAULT_VALUES_LIMIT),
      timeoutMs: opts.queryTimeoutMs,
    }),
  );
}
