/**
 * How logpipe answers as Elasticsearch does: every answer carries `X-Elastic-Product:
 * Elasticsearch` (the official clients refuse a 2xx without it), and errors are Elasticsearch's
 * error JSON, `{"error": {"root_cause": [{type, reason}], type, reason}, "status": N}`, so an
 * agent logs the reason it was given and decides on the status as it would against Elasticsearch.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { UserError } from '../../core/errors.js';

export const PRODUCT_HEADER = 'X-Elastic-Product';
export const PRODUCT = 'Elasticsearch';

/** Elasticsearch's error body. */
export function errorBody(type: string, reason: string, status: number): Record<string, unknown> {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

/** An error answer in Elasticsearch's shape. */
export function esError(c: Context, status: ContentfulStatusCode, type: string, reason: string): Response {
  c.header(PRODUCT_HEADER, PRODUCT);
  return c.json(errorBody(type, reason, status), status);
}

/** A JSON answer with the product header. */
export function esJson(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  c.header(PRODUCT_HEADER, PRODUCT);
  return c.json(body, status);
}

/** A whole request refused: its status, Elasticsearch's error type, and a reason naming what is wrong. */
export class BulkRefused extends UserError {
  override name = 'BulkRefused';
  constructor(
    readonly status: 400 | 413 | 415,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}
