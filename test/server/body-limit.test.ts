import { request } from 'node:http';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBody } from '../../src/server/body-limit.js';
import { type ServedApp, serveApp } from '../../src/server/serve.js';

let served: ServedApp;

beforeAll(async () => {
  const app = new Hono();
  app.post('/in', limitBody(100), async (c) => c.json({ got: await c.req.text() }));
  served = await serveApp(app, '127.0.0.1', 0, 'server.port');
});
afterAll(() => served.stop());

/** POSTs `parts`; with `chunked` the body has no declared length and arrives in pieces. */
function post(parts: string[], chunked: boolean): Promise<{ status: number; body: unknown }> {
  const body = parts.join('');
  return new Promise((resolve, reject) => {
    const req = request(
      `${served.url}/in`,
      { method: 'POST', headers: chunked ? {} : { 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });
}

describe('limitBody', () => {
  it('passes a body within the limit intact, declared or chunked', async () => {
    const parts = ['é'.repeat(20), 'x'.repeat(30)]; // 70 bytes
    expect(await post(parts, false)).toEqual({ status: 200, body: { got: parts.join('') } });
    expect(await post(parts, true)).toEqual({ status: 200, body: { got: parts.join('') } });
  });

  it('refuses a declared length over the limit with 413 and a JSON error', async () => {
    const r = await post(['x'.repeat(101)], false);
    expect(r).toEqual({
      status: 413,
      body: { error: { type: 'request', message: 'request body too large' } },
    });
  });

  it('refuses a chunked body once it streams past the limit', async () => {
    const r = await post(['x'.repeat(60), 'y'.repeat(60)], true);
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ error: { type: 'request', message: 'request body too large' } });
  });
});
