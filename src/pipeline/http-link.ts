/**
 * The link between component processes (`logpipe up`, containers): a batch is POSTed as NDJSON
 * and counts as delivered only on a 2xx, which the receiver sends once the store has committed
 * it. Failures (receiver down, restarting, store busy) are retried with backoff until delivered
 * or the sender stops; a batch never delivered is never acknowledged, so its lines are read again.
 * Every request carries the data dir's link secret (core/link-secret.ts), which receivers require
 * of the internal protocols.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { UserError } from '../core/errors.js';
import { LINK_SECRET_HEADER } from '../core/link-secret.js';

export interface LinkOptions {
  /** Base URL of the receiver; batches go to `${url}/api/ingest`. */
  url: string;
  /** Bearer token the receiver requires, if any. */
  token?: string;
  /** The data dir's link secret, sent on every request (in LINK_SECRET_HEADER). */
  linkSecret?: string;
  /** Aborting stops retrying: `deliver` then rejects. */
  signal: AbortSignal;
  /** Called on each failed attempt, for logs and metrics. */
  onRetry?: (err: Error, attempt: number) => void;
  /** Longest wait for one attempt's answer; a paused store is waited for, a dead one is not. */
  attemptTimeoutMs?: number;
  /** Give up after this many attempts (default: never), rejecting with the last error. */
  maxAttempts?: number;
}

/** A request the receiver refused as malformed: retrying the same bytes cannot help. */
export class RejectedError extends UserError {
  constructor(
    message: string,
    /** The HTTP status of the refusal (415: the receiver does not take this media type). */
    readonly status = 400,
  ) {
    super(message);
  }
}

const MAX_BACKOFF_MS = 5000;

/** A request body: NDJSON text, or bytes of another media type. */
export type LinkBody = string | { bytes: Uint8Array; contentType: string };

/** POSTs `body` (with `headers`) until a 2xx; returns the receiver's JSON answer. */
export async function deliver(
  opts: LinkOptions,
  path: string,
  body: LinkBody,
  headers: Record<string, string> = {},
): Promise<unknown> {
  let backoff = 100;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) throw new Error('stopped before the batch was delivered');
    const limitMs = opts.attemptTimeoutMs ?? 120_000;
    const timeout = AbortSignal.timeout(limitMs);
    try {
      const res = await post(
        `${opts.url}${path}`,
        body,
        opts.token,
        opts.linkSecret === undefined ? headers : { ...headers, [LINK_SECRET_HEADER]: opts.linkSecret },
        AbortSignal.any([opts.signal, timeout]),
      );
      const text = res.text;
      // Accepted is accepted: an answer that is not JSON must not make the batch go again.
      if (res.ok) return parseOr(text, {});
      const message = errorMessage(text) ?? `HTTP ${res.status}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        throw new RejectedError(`${opts.url}${path} refused the batch: ${message}`, res.status);
      }
      throw new Error(`${opts.url}${path}: ${message}`);
    } catch (err) {
      if (err instanceof RejectedError) throw err;
      if (opts.signal.aborted) throw new Error('stopped before the batch was delivered');
      const failure = timeout.aborted
        ? new Error(`${opts.url}${path}: no answer within ${(limitMs / 1000).toFixed(1)} s`)
        : (err as Error);
      if (attempt >= (opts.maxAttempts ?? Number.POSITIVE_INFINITY)) throw failure;
      opts.onRetry?.(failure, attempt);
    }
    await sleep(backoff, opts.signal);
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  }
}

/** Whether a sender still sends its binary media type (cleared by the first 415). */
export interface BodyChoice {
  binary: boolean;
}

/**
 * Delivers `binary()` while `choice.binary` holds, and `ndjson()` instead once the receiver has
 * answered 415 to a binary body (another engine, an older logpipe): that batch goes again as
 * NDJSON at once, and so does every later one. Returns the answer and the bytes sent.
 */
export async function deliverPreferring(
  choice: BodyChoice,
  send: (body: LinkBody) => Promise<unknown>,
  binary: () => LinkBody,
  ndjson: () => string,
  onFallback: () => void,
): Promise<{ answer: unknown; bytes: number }> {
  let body: LinkBody = choice.binary ? binary() : ndjson();
  let answer: unknown;
  try {
    answer = await send(body);
  } catch (err) {
    if (typeof body === 'string' || !(err instanceof RejectedError) || err.status !== 415) throw err;
    choice.binary = false;
    onFallback();
    body = ndjson();
    answer = await send(body);
  }
  return { answer, bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.bytes.length };
}

const keepAlive = { keepAlive: true, maxSockets: 16 };
const agents = { http: new HttpAgent(keepAlive), https: new HttpsAgent(keepAlive) };

/**
 * One POST over node:http with a kept-alive connection. `fetch` moved each body through web
 * streams and copies: under `logpipe up` those took more CPU than parsing the lines.
 */
function post(
  url: string,
  body: LinkBody,
  token: string | undefined,
  extra: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; ok: boolean; text: string }> {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body.bytes;
  const contentType = typeof body === 'string' ? 'application/x-ndjson' : body.contentType;
  const tls = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: tls ? agents.https : agents.http,
        signal,
        headers: {
          ...extra,
          'content-type': contentType,
          'content-length': data.length,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** GETs JSON once (no retries): for lookups that have a fallback. */
export async function getJson(url: string, token: string | undefined, timeoutMs = 10_000): Promise<unknown> {
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${errorMessage(text) ?? `HTTP ${res.status}`}`);
  return JSON.parse(text);
}

function errorMessage(text: string): string | null {
  try {
    const j = JSON.parse(text) as { error?: { message?: string } };
    return j.error?.message ?? null;
  } catch {
    return text ? text.slice(0, 200) : null;
  }
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return text ? JSON.parse(text) : fallback;
  } catch {
    return fallback;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
