/** A stopping API answers what it was asked, refuses what comes after with one clear answer. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { STOPPING_MESSAGE, STOPPING_TYPE, stopGate } from '../../src/server/stop-gate.js';

function app() {
  const gate = stopGate();
  const a = new Hono();
  a.get('/healthz', (c) => c.text('ok'));
  a.use('/api/*', gate.middleware);
  let release: () => void = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  a.get('/api/slow', async (c) => {
    await released;
    return c.json({ rows: [1] });
  });
  a.get('/api/fast', (c) => c.json({ rows: [2] }));
  return { a, gate, release };
}

describe('stop gate', () => {
  it('answers requests in flight, refuses new ones with 503, and waits for the first', async () => {
    const { a, gate, release } = app();
    const slow = a.request('/api/slow');
    await new Promise((r) => setTimeout(r, 10));
    let closed = false;
    const closing = gate.close(10_000).then(() => {
      closed = true;
    });
    const refused = await a.request('/api/fast');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(await refused.json()).toEqual({ error: { type: STOPPING_TYPE, message: STOPPING_MESSAGE } });
    expect(STOPPING_MESSAGE).toBe('logpipe is stopping');
    // The ops routes answer to the end.
    expect((await a.request('/healthz')).status).toBe(200);
    expect(closed).toBe(false);
    release();
    expect(await (await slow).json()).toEqual({ rows: [1] });
    await closing;
    expect(closed).toBe(true);
    expect(gate.signal.aborted).toBe(true);
  });

  it('gives up waiting after its bound', async () => {
    const { a, gate } = app();
    void a.request('/api/slow');
    await new Promise((r) => setTimeout(r, 10));
    const t = Date.now();
    await gate.close(100);
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
