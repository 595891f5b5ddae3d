/**
 * OTLP into `logpipe store --serve`, the store killed (SIGKILL) mid-stream and started again: every
 * record of a request answered 200 is stored. A request whose answer never came (the process
 * died under it) is sent again, as an OTLP exporter retries, so its records may be stored twice;
 * nothing else is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killAll } from '../helpers/processes.js';
import { sendThroughRestart, storedCounts } from '../helpers/restart-stream.js';

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
    const run = await sendThroughRestart(
      'logpipe-otlp-restart-',
      REQUESTS,
      (url, n) =>
        fetch(`${url}/v1/logs`, {
          method: 'POST',
          body: request(n),
          headers: { 'content-type': 'application/json' },
        }).catch(() => null),
      async (res) => res.status === 200,
    );
    const counts = await storedCounts(run.url);
    const missing: number[] = [];
    const twice: number[] = [];
    for (let k = 0; k < REQUESTS * PER_REQUEST; k++) {
      const c = counts.get(`record ${k}`) ?? 0;
      if (c === 0) missing.push(k);
      if (c > 1) twice.push(k);
    }
    expect(missing).toEqual([]);
    // Only the request cut by the kill may have been stored twice (once before the kill, once re-sent).
    const cut = REQUESTS / 2;
    expect(twice.every((k) => Math.floor(k / PER_REQUEST) === cut)).toBe(true);
    if (run.cutAccepted) expect(twice).toEqual([]);
    run.store.child.kill('SIGTERM');
    expect(await run.store.exited, run.store.output()).toBe(0);
  }, 120_000);
});
