import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { deliver, getJson, RejectedError } from '../../src/pipeline/http-link.js';
import { freePort } from '../helpers/ports.js';
import { answer, closeReceivers, type Receiver, receiver } from '../helpers/receiver.js';

afterEach(closeReceivers);

const BODY = '{"$logpipe":"raw-events","version":1}\n{"line":"a"}\n';

describe('deliver', () => {
  it('POSTs the batch as NDJSON with the token and returns the JSON answer', async () => {
    const r = await receiver((_, res) => answer(res, 200, { stored: 1, duplicates: 0 }));
    const ac = new AbortController();
    const out = await deliver({ url: r.url, token: 'tok', signal: ac.signal }, '/api/ingest', BODY);
    expect(out).toEqual({ stored: 1, duplicates: 0 });
    expect(r.got).toHaveLength(1);
    expect(r.got[0]).toMatchObject({ method: 'POST', url: '/api/ingest', body: BODY });
    expect(r.got[0].headers['content-type']).toBe('application/x-ndjson');
    expect(r.got[0].headers.authorization).toBe('Bearer tok');
  });

  it('sends no authorization header without a token, and takes an empty 2xx as {}', async () => {
    const r = await receiver((_, res) => {
      res.writeHead(204);
      res.end();
    });
    const out = await deliver({ url: r.url, signal: new AbortController().signal }, '/api/ingest', BODY);
    expect(out).toEqual({});
    expect(r.got[0].headers.authorization).toBeUndefined();
  });

  it('takes a 2xx whose body is not JSON as delivered, sending the batch once', async () => {
    const r = await receiver((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    const out = await deliver({ url: r.url, signal: new AbortController().signal }, '/api/ingest', BODY);
    expect(out).toEqual({});
    expect(r.got).toHaveLength(1);
  });

  it('stops when aborted from the retry callback, sending nothing more', async () => {
    const r = await receiver((_, res) => answer(res, 503, { error: { message: 'busy' } }));
    const ac = new AbortController();
    const p = deliver({ url: r.url, signal: ac.signal, onRetry: () => ac.abort() }, '/api/ingest', BODY);
    await expect(p).rejects.toThrow(/stopped before the batch was delivered/);
    expect(r.got).toHaveLength(1);
  });

  it('retries a 503 with backoff until the receiver accepts, reporting each failure', async () => {
    const r = await receiver((_, res, n) =>
      n <= 2
        ? answer(res, 503, { error: { type: 'storage', message: 'store busy' } })
        : answer(res, 200, { stored: 2, duplicates: 0 }),
    );
    const retries: [string, number][] = [];
    const out = await deliver(
      {
        url: r.url,
        signal: new AbortController().signal,
        onRetry: (err, attempt) => retries.push([err.message, attempt]),
      },
      '/api/ingest',
      BODY,
    );
    expect(out).toEqual({ stored: 2, duplicates: 0 });
    expect(r.got).toHaveLength(3);
    expect(r.got.every((g) => g.body === BODY)).toBe(true);
    expect(retries).toEqual([
      [`${r.url}/api/ingest: store busy`, 1],
      [`${r.url}/api/ingest: store busy`, 2],
    ]);
  });

  it('retries 408 and 429 as passing troubles', async () => {
    const r = await receiver((_, res, n) =>
      n === 1 ? answer(res, 429, 'slow down') : n === 2 ? answer(res, 408, '') : answer(res, 200, {}),
    );
    const retries: string[] = [];
    await deliver(
      { url: r.url, signal: new AbortController().signal, onRetry: (err) => retries.push(err.message) },
      '/api/ingest',
      BODY,
    );
    expect(retries).toEqual([`${r.url}/api/ingest: slow down`, `${r.url}/api/ingest: HTTP 408`]);
  });

  it('rejects a 400 at once with a RejectedError carrying the receiver message', async () => {
    const r = await receiver((_, res) =>
      answer(res, 400, { error: { type: 'request', message: 'line 2: not valid JSON' } }),
    );
    let retried = 0;
    const err = await deliver(
      { url: r.url, signal: new AbortController().signal, onRetry: () => retried++ },
      '/api/ingest',
      BODY,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`${r.url}/api/ingest refused the batch: line 2: not valid JSON`);
    expect(r.got).toHaveLength(1);
    expect(retried).toBe(0);
  });

  it('rejects a 401 the same way', async () => {
    const r = await receiver((_, res) => answer(res, 401, 'Unauthorized'));
    await expect(
      deliver({ url: r.url, signal: new AbortController().signal }, '/api/ingest', BODY),
    ).rejects.toThrow(RejectedError);
    expect(r.got).toHaveLength(1);
  });

  it('retries a refused connection until the receiver appears', async () => {
    const port = await freePort();
    const retries: number[] = [];
    let started: Promise<unknown> | null = null;
    let r: Receiver | null = null;
    const out = await deliver(
      {
        url: `http://127.0.0.1:${port}`,
        signal: new AbortController().signal,
        onRetry: (_, attempt) => {
          retries.push(attempt);
          // After two refused attempts, the receiver comes up on the port.
          if (attempt === 2)
            started = receiver((_, res) => answer(res, 200, { stored: 1 }), port).then((x) => (r = x));
        },
      },
      '/api/ingest',
      BODY,
    );
    await started;
    expect(out).toEqual({ stored: 1 });
    expect(retries.slice(0, 2)).toEqual([1, 2]);
    expect(r!.got).toHaveLength(1);
  });

  it('stops retrying when aborted, rejecting', async () => {
    const r = await receiver((_, res) => answer(res, 503, 'down'));
    const ac = new AbortController();
    const p = deliver(
      {
        url: r.url,
        signal: ac.signal,
        onRetry: (_, attempt) => {
          if (attempt === 2) ac.abort();
        },
      },
      '/api/ingest',
      BODY,
    );
    await expect(p).rejects.toThrow('stopped before the batch was delivered');
    expect(r.got).toHaveLength(2);
  });

  it('stops an attempt in flight when aborted', async () => {
    // The receiver never answers.
    const r = await receiver(() => {});
    const ac = new AbortController();
    const p = deliver({ url: r.url, signal: ac.signal }, '/api/ingest', BODY);
    while (r.got.length === 0) await new Promise((res) => setTimeout(res, 20));
    ac.abort();
    await expect(p).rejects.toThrow('stopped before the batch was delivered');
  });

  it('rejects an already aborted delivery without sending', async () => {
    const r = await receiver((_, res) => answer(res, 200, {}));
    const ac = new AbortController();
    ac.abort();
    await expect(deliver({ url: r.url, signal: ac.signal }, '/api/ingest', BODY)).rejects.toThrow(
      'stopped before the batch was delivered',
    );
    expect(r.got).toHaveLength(0);
  });

  it('with maxAttempts: 1, rejects with the first failure without retrying', async () => {
    const r = await receiver((_, res) => answer(res, 503, { error: { message: 'store busy' } }));
    let retried = 0;
    const err = await deliver(
      { url: r.url, signal: new AbortController().signal, maxAttempts: 1, onRetry: () => retried++ },
      '/api/ingest',
      BODY,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RejectedError);
    expect((err as Error).message).toBe(`${r.url}/api/ingest: store busy`);
    expect(r.got).toHaveLength(1);
    expect(retried).toBe(0);
  });

  it('gives up an attempt after attemptTimeoutMs', async () => {
    const r = await receiver(() => {});
    await expect(
      deliver(
        { url: r.url, signal: new AbortController().signal, attemptTimeoutMs: 200, maxAttempts: 2 },
        '/api/ingest',
        BODY,
      ),
    ).rejects.toThrow(/\/api\/ingest: no answer within 0\.2 s$/);
    expect(r.got).toHaveLength(2);
  });
});

describe('getJson', () => {
  it('GETs JSON with the token', async () => {
    const r = await receiver((_, res) => answer(res, 200, { positions: [] }));
    expect(await getJson(`${r.url}/api/committed?fingerprint=f`, 'tok')).toEqual({ positions: [] });
    expect(r.got[0]).toMatchObject({ method: 'GET', url: '/api/committed?fingerprint=f' });
    expect(r.got[0].headers.authorization).toBe('Bearer tok');
  });

  it('throws on a non-2xx answer, naming the URL and the message, without retrying', async () => {
    const r = await receiver((_, res) => answer(res, 500, { error: { message: 'db locked' } }));
    await expect(getJson(`${r.url}/x`, undefined)).rejects.toThrow(`${r.url}/x: db locked`);
    expect(r.got).toHaveLength(1);
  });
});
