/**
 * Loki pushes into `logpipe store --serve`, the store killed (SIGKILL) mid-stream and started
 * again: every entry of a push answered 204 is stored. A push whose answer never came is sent
 * again, as Promtail and Alloy retry, so its entries may be stored twice; nothing else is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killAll } from '../helpers/processes.js';
import { sendThroughRestart, storedCounts } from '../helpers/restart-stream.js';

afterEach(() => killAll());

const REQUESTS = 120;
const PER_REQUEST = 50;

/** Push `n` as Loki's JSON: one stream, its entries' times in nanoseconds as strings. */
function push(n: number): string {
  const values = Array.from({ length: PER_REQUEST }, (_, i) => {
    const k = n * PER_REQUEST + i;
    return [String(BigInt(Date.UTC(2026, 11, 1) + k) * 1_000_000n), `entry ${k}`];
  });
  return JSON.stringify({ streams: [{ stream: { service_name: 'crash-test', job: 'restart' }, values }] });
}

describe('Loki push through a store restart', () => {
  it('stores every entry it answered 204 for, after a SIGKILL mid-stream', async () => {
    const run = await sendThroughRestart(
      'logpipe-loki-restart-',
      REQUESTS,
      (url, n) =>
        fetch(`${url}/loki/api/v1/push`, {
          method: 'POST',
          body: push(n),
          headers: { 'content-type': 'application/json' },
        }).catch(() => null),
      async (res) => res.status === 204,
    );
    const counts = await storedCounts(run.url);
    const missing: number[] = [];
    const twice: number[] = [];
    for (let k = 0; k < REQUESTS * PER_REQUEST; k++) {
      const c = counts.get(`entry ${k}`) ?? 0;
      if (c === 0) missing.push(k);
      if (c > 1) twice.push(k);
    }
    expect(missing).toEqual([]);
    // Only the push the kill cut may have been stored twice (once before the kill, once re-sent).
    expect(twice.every((k) => Math.floor(k / PER_REQUEST) === REQUESTS / 2)).toBe(true);
    if (run.cutAccepted) expect(twice).toEqual([]);
    run.store.child.kill('SIGTERM');
    expect(await run.store.exited, run.store.output()).toBe(0);
  }, 120_000);
});
