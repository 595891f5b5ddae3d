/**
 * How the API stops without cutting anyone off. Once the stop begins, an API request is refused
 * with one clear answer (503, `{"error": {"type": "stopping", "message": "logpipe is stopping"}}`)
 * while the requests already in flight are answered, and live tails are ended; the socket stays
 * open (and announced) until the store has closed, so a client never meets a closed connection
 * ("other side closed") or a store locked by a process it cannot ask. `logpipe query` waits for a
 * stopping process to exit and then reads the store itself (cli/query.ts). The ops routes
 * (`/healthz`, `/status`, `/metrics`) answer to the end.
 */
import type { Context, MiddlewareHandler } from 'hono';

/** The `error.type` of the refusal. */
export const STOPPING_TYPE = 'stopping';
export const STOPPING_MESSAGE = 'logpipe is stopping';

/** Longest wait for requests in flight once the stop began; the rest are cut off after it. */
export const DRAIN_WITHIN_MS = 5000;

export interface StopGate {
  /** Aborted once the stop begins: live tails end on it. */
  readonly signal: AbortSignal;
  /** Counts API requests in flight; refuses new ones once the stop began. */
  readonly middleware: MiddlewareHandler;
  /** Begins the stop; resolves once no request is in flight, or after `withinMs`. */
  close(withinMs?: number): Promise<void>;
}

export function stopGate(): StopGate {
  const ac = new AbortController();
  let inFlight = 0;
  let idle: (() => void) | null = null;
  return {
    signal: ac.signal,
    middleware: async (c: Context, next) => {
      if (ac.signal.aborted) return refuse(c);
      inFlight++;
      try {
        await next();
      } finally {
        inFlight--;
        if (inFlight === 0) idle?.();
      }
    },
    close(withinMs = DRAIN_WITHIN_MS) {
      ac.abort();
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, withinMs);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}

/** The one answer every API request gets while the process stops. */
export function refuse(c: Context): Response {
  c.header('connection', 'close');
  c.header('retry-after', '1');
  return c.json({ error: { type: STOPPING_TYPE, message: STOPPING_MESSAGE } }, 503);
}
