/**
 * HTTP output: chunks of newline-delimited records POSTed to a URL as `text/plain`, one request in
 * flight, queued chunks coalesced into the next request up to a size limit. A failed request is
 * retried with backoff a few times, then the run fails naming the URL and status.
 */
import { UsageError } from '../core/errors.js';
import type { Sink } from './sink.js';

const MAX_BODY = 1024 * 1024;
const HIGH_WATER = 8 * 1024 * 1024;
const RETRIES = 3;

/** Checks an `http://` / `https://` URL up front. */
export function checkHttpUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`invalid HTTP URL "${url}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`invalid HTTP URL "${url}": the scheme must be http:// or https://`);
  }
}

/** POSTs batches to `url`. */
export function httpSink(url: string): Sink {
  checkHttpUrl(url);
  const queue: Buffer[] = [];
  let queued = 0;
  let sending = false;
  let failure: Error | null = null;
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const post = async (body: Buffer): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
        await res.arrayBuffer();
        if (res.ok) return;
        if (res.status < 500 && res.status !== 429) throw new Error(`HTTP ${res.status} from ${url}`);
        if (attempt >= RETRIES) throw new Error(`HTTP ${res.status} from ${url}`);
      } catch (err) {
        if (attempt >= RETRIES || (err as Error).message.startsWith('HTTP 4')) {
          throw new Error(`cannot POST to ${url}: ${(err as Error).message}`, { cause: err });
        }
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  };
  const pump = async (): Promise<void> => {
    sending = true;
    while (queue.length > 0 && !failure) {
      let n = 0;
      let size = 0;
      while (n < queue.length && (n === 0 || size + queue[n].length <= MAX_BODY)) size += queue[n++].length;
      const body = n === 1 ? queue[0] : Buffer.concat(queue.slice(0, n));
      try {
        await post(body);
      } catch (err) {
        failure = err as Error;
      }
      queue.splice(0, n);
      queued -= size;
      wake();
    }
    sending = false;
    wake();
  };
  return {
    broken: false,
    write(chunk) {
      if (failure) throw failure;
      queue.push(chunk);
      queued += chunk.length;
      if (!sending) void pump();
      return queued < HIGH_WATER;
    },
    drain() {
      if (failure) return Promise.reject(failure);
      if (queued < HIGH_WATER) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      while (sending && !failure) await new Promise<void>((resolve) => waiters.push(resolve));
      if (failure) throw failure;
    },
  };
}
