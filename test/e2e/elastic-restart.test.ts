/**
 * Elasticsearch bulk requests into `logpipe store --serve`, the store killed (SIGKILL) mid-stream
 * and started again: every document of a request answered 200 is stored. A request whose answer
 * never came is sent again, as agents retry; its documents that carry an `_id` are recognised and
 * stored once, those without may be stored twice (nothing names them). Nothing else is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killAll } from '../helpers/processes.js';
import { sendThroughRestart, storedCounts } from '../helpers/restart-stream.js';

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
    const cut = REQUESTS / 2;
    const run = await sendThroughRestart(
      'logpipe-elastic-restart-',
      REQUESTS,
      (url, n) =>
        fetch(`${url}/crash/_bulk`, {
          method: 'POST',
          body: request(n),
          headers: { 'content-type': 'application/x-ndjson' },
        }).catch(() => null),
      async (res, n) => {
        if (res.status !== 200) return false;
        const answer = (await res.json()) as { errors: boolean; items: { create: { status: number } }[] };
        // A re-sent request whose first copy was stored: its documents with ids are known (409).
        expect(answer.items.every((it) => it.create.status === 201 || it.create.status === 409)).toBe(true);
        if (n !== cut) expect(answer.errors).toBe(false);
        return true;
      },
    );
    const counts = await storedCounts(run.url);
    const missing: number[] = [];
    const twice: number[] = [];
    for (let k = 0; k < REQUESTS * PER_REQUEST; k++) {
      const c = counts.get(`document ${k}`) ?? 0;
      if (c === 0) missing.push(k);
      if (c > 1) twice.push(k);
    }
    expect(missing).toEqual([]);
    // Only documents without an id, of the request the kill cut, may be there twice.
    expect(twice.every((k) => k % 2 === 1 && Math.floor(k / PER_REQUEST) === cut)).toBe(true);
    run.store.child.kill('SIGTERM');
    expect(await run.store.exited, run.store.output()).toBe(0);
  }, 120_000);
});
