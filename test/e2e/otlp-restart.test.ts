/**
 * OTLP into `logpipe store --serve`, the store killed (SIGKILL) mid-stream and started again: every
 * record of a request answered 200 is stored. A request whose answer never came (the process
 * died under it) is sent again, as an OTLP exporter retries, so its records may be stored twice;
 * nothing else is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { killAll, type Proc, startLogpipe } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

afterEach(() => killAll());

const REQUESTS = 120;
const PER_REQUEST = 50;

function request(n: number): string {
  const logRecords = Array.from({ length: PER_REQUEST }, (_, i) => ({
    timeUnixNano: String(
      BigInt(Date.UTC(2026, 11, 1)) * 1_000_000n + BigInt(n * PER_REQUEST + i) * 1_000_000n,
    ),
    severityNumber: 9,
    body: { stringValue: `record ${n * PER_REQUEST + i}` },
  }));
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'crash-test' } }] },
        scopeLogs: [{ logRecords }],
      },
    ],
  });
}

describe('OTLP through a store restart', () => {
  it('stores every record it answered 200 for, after a SIGKILL mid-stream', async () => {
    const dataDir = tempDir('logpipe-otlp-restart-');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serve = () => startLogpipe(['store', '--serve', '--data-dir', dataDir, '--port', String(port)]);
    const healthy = async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined);
    let store: Proc = serve();
    await waitFor('store', healthy, 30_000);

    const acked = new Set<number>();
    let resent = 0;
    let killed = false;
    for (let n = 0; n < REQUESTS; n++) {
      if (n === REQUESTS / 2) {
        // Killed while a request is on its way: its answer never comes.
        const pending = fetch(`${url}/v1/logs`, {
          method: 'POST',
          body: request(n),
          headers: { 'content-type': 'application/json' },
        }).catch(() => null);
        store.child.kill('SIGKILL');
        await store.exited;
        killed = true;
        if ((await pending)?.status === 200) acked.add(n);
        else resent++;
        store = serve();
        await waitFor('store again', healthy, 30_000);
      }
      // As an exporter does: a request not answered 200 is sent again.
      for (;;) {
        const res = await fetch(`${url}/v1/logs`, {
          method: 'POST',
          body: request(n),
          headers: { 'content-type': 'application/json' },
        }).catch(() => null);
        if (res?.status === 200) {
          acked.add(n);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(killed).toBe(true);

    const res = await fetch(
      `${url}/api/query?${new URLSearchParams({ q: 'service:crash-test | stats count by message', from: '2026-01-01', limit: '100000' })}`,
    );
    expect(res.status).toBe(200);
    const rows = ((await res.json()) as { rows: { message: string; count: number }[] }).rows;
    const counts = new Map(rows.map((r) => [r.message, Number(r.count)]));
    const missing: number[] = [];
    const twice: number[] = [];
    for (let k = 0; k < REQUESTS * PER_REQUEST; k++) {
      const c = counts.get(`record ${k}`) ?? 0;
      if (c === 0) missing.push(k);
      if (c > 1) twice.push(k);
    }
    expect(acked.size).toBe(REQUESTS);
    expect(missing).toEqual([]);
    // Only the request cut by the kill may have been stored twice (once before the kill, once re-sent).
    const cut = REQUESTS / 2;
    expect(twice.every((k) => Math.floor(k / PER_REQUEST) === cut)).toBe(true);
    if (resent === 0) expect(twice).toEqual([]);
    store.child.kill('SIGTERM');
    expect(await store.exited, store.output()).toBe(0);
  }, 120_000);
});
