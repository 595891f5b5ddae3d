/**
 * The body-size limit for ingest routes. Hono's bodyLimit touches the request's web stream, which
 * sends every later read of the body through web-stream adapters and copies: under `logpipe up`
 * those cost the store and the parser more CPU than decoding the events. A declared length is
 * checked from the header alone, so the body is then read on the node adapter's direct path;
 * only bodies without one (chunked) are counted as they stream.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

function tooLarge(c: Context): Response {
  return c.json({ error: { type: 'request', message: 'request body too large' } }, 413);
}

/** Answers 413 to a body over `maxBytes`, declared or streamed. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > maxBytes) return tooLarge(c);
      await next();
      return;
    }
    return streamed(c, next);
  };
}
