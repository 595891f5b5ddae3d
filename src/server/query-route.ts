/**
 * GET /api/query: a query-language query (or, with `sql`, raw SQL) answered as JSON, or with
 * `format=csv|ndjson` as a file to download (download.ts). Event rows carry their identity
 * (`generation`, `offset`) unless `identity=0`, so a client can ask for an event's context, or
 * for the whole event (/api/event) when `max_value_bytes` cut its long values for a list.
 */
import type { Context } from 'hono';
import { UserError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import { maxValueBytesParam } from './cut-values.js';
import { downloadResponse, isDownloadFormat, MAX_DOWNLOAD_ROWS } from './download.js';
import { errorResponse, positiveInt, timeRange, wholeIn, wholeInt } from './http-params.js';
import { runQuery, runSql } from './query-service.js';

export interface QueryRouteOptions {
  store: StorageEngine;
  queryTimeoutMs?: number;
}

/** The handler of GET /api/query. */
export function queryRoute(opts: QueryRouteOptions): (c: Context) => Promise<Response> {
  return async (c) => {
    const started = performance.now();
    const took = () => Math.round((performance.now() - started) * 1000) / 1000;
    try {
      const format = c.req.query('format') ?? 'json';
      if (format !== 'json' && !isDownloadFormat(format))
        throw new UserError(`format must be json, csv or ndjson, got "${format}"`);
      const maxValueBytes = maxValueBytesParam(c);
      if (maxValueBytes !== undefined && format !== 'json')
        throw new UserError(
          `max_value_bytes cuts the values of a JSON answer; a ${format} download is whole`,
        );
      const sql = c.req.query('sql');
      if (sql !== undefined) {
        if (format !== 'json') throw new UserError(`format=${format} downloads the result of q, not of sql`);
        if (maxValueBytes !== undefined)
          throw new UserError('max_value_bytes cuts the events of q, not the rows of sql');
        const r = await runSql(opts.store, sql, opts.queryTimeoutMs);
        return c.json({ ...r, took_ms: took() });
      }
      const limit = c.req.query('limit');
      const offset = c.req.query('offset');
      const identity = c.req.query('identity');
      if (identity !== undefined && identity !== '0' && identity !== '1')
        throw new UserError(`identity must be 0 or 1, got "${identity}"`);
      const req = {
        q: c.req.query('q') ?? '*',
        ...timeRange(c),
        limit: limit
          ? format === 'json'
            ? positiveInt(limit, 'limit')
            : wholeIn(limit, 'limit', 1, MAX_DOWNLOAD_ROWS)
          : undefined,
        offset: offset ? wholeInt(offset, 'offset') : undefined,
        timeoutMs: opts.queryTimeoutMs,
        identity: identity !== '0',
      };
      if (format !== 'json') return await downloadResponse(opts.store, req, format);
      const result = await runQuery(opts.store, {
        ...req,
        total: c.req.query('total') === '1',
        explain: c.req.query('explain') === '1',
        maxValueBytes,
      });
      return c.json({ ...result, took_ms: took() });
    } catch (err) {
      return errorResponse(c, err);
    }
  };
}
