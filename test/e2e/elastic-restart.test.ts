/**
 * Elasticsearch bulk requests into `logpipe store --serve`, the store killed (SIGKILL) mid-stream
 * and started again: every document of a request answered 200 is stored. A request whose answer
 * never came is sent again, as agents retry; its documents that carry an `_id` are recognised and
 * stored once, those without may be stored twice (nothing names them). Nothing else is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { killAll, type Proc, startLogpipe } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

afterEach(() => killAll());

const REQUESTS = 120;
const PER_REQUEST = 50;

/** Request `n`: even documents carry an id, odd ones none. */
function request(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < PER_REQUEST; i++) {
    const k = n * PER_REQUEST + i;
    lines.push(JSON.stringify(k % 2 === 0 ? { create: { _id: `id-${k}` } } : { create: {} }));
    lines.push(
      JSON.stringify({
        '@timestamp': new Date(Date.UTC(2026, 11, 1) + k).toISOString(),
        'service.name': 'crash-test',
        message: `document ${k}`,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('Elasticsearch bulk through a store restart', () => {
  it('stores every document it answered 200 for, after a SIGKILL mid-stream; documents with ids once', async () => {
    const dataDir = tempDir('logpipe-elastic-restart-');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serve = () => startLogpipe(['store', '--serve', '--data-dir', dataDir, '--port', String(port)]);
    const healthy = async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined);
    const send = (n: number) =>
      fetch(`${url}/crash/_bulk`, {
        method: 'POST',
        body: request(n),
        headers: { 'content-type': 'application/x-ndjson' },
      }).catch(() => null);
    let store: Proc = serve();
    await waitFor('store', healthy, 30_000);

    let acked = 0;
    let killed = false;
    for (let n = 0; n < REQUESTS; n++) {
      if (n === REQUESTS / 2) {
        // Killed while a request is on its way: its answer never comes.
        const pending = send(n);
        store.child.kill('SIGKILL');
        await store.exited;
        killed = true;
        await pending;
        store = serve();
        await waitFor('store again', healthy, 30_000);
      }
      // As an agent does: a request not answered 200 is sent again.
      for (;;) {
        const res = await send(n);
        if (res?.status === 200) {
          const answer = (await res.json()) as { errors: boolean; items: { create: { status: number } }[] };
          // A re-sent request whose first copy was stored: its documents with ids are known (409).
          expect(answer.items.every((it) => it.create.status === 201 || it.create.status === 409)).toBe(true);
          if (n !== REQUESTS / 2) expect(answer.errors).toBe(false);
          acked++;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(killed).toBe(true);
    expect(acked).toBe(REQUESTS);

    const res = await fetch(
      `${url}/api/query?${new URLSearchParams({ q: 'service:crash-test | stats count by message', from: '2026-01-01', limit: '100000' })}`,
    );
    expect(res.status).toBe(200);
    const rows = ((await res.json()) as { rows: { message: string; count: number }[] }).rows;
    const counts = new Map(rows.map((r) => [r.message, Number(r.count)]));
    const missing: number[] = [];
    const twice: number[] = [];
    for (let k = 0; k < REQUESTS * PER_REQUEST; k++) {
      const c = counts.get(`document ${k}`) ?? 0;
      if (c === 0) missing.push(k);
      if (c > 1) twice.push(k);
    }
    expect(missing).toEqual([]);
    // Only documents without an id, of the request the kill cut, may be there twice.
    const cut = REQUESTS / 2;
    expect(twice.every((k) => k % 2 === 1 && Math.floor(k / PER_REQUEST) === cut)).toBe(true);
    store.child.kill('SIGTERM');
    expect(await store.exited, store.output()).toBe(0);
  }, 120_000);
});
