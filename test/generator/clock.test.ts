import { describe, expect, it } from 'vitest';
import { createFakeClock, systemClock } from '../../src/generator/clock.js';

describe('clock', () => {
  it('fake: sleeping advances time at once, plus any oversleep', async () => {
    const c = createFakeClock({ wallStart: 1000, oversleep: () => 3 });
    await c.sleep(10);
    expect(c.now()).toBe(13);
    expect(c.wallNow()).toBe(1013);
    c.advance(7);
    expect(c.now()).toBe(20);
    expect(c.sleeps).toEqual([10]);
  });

  it('fake: an aborted sleep does not advance time', async () => {
    const c = createFakeClock();
    const ac = new AbortController();
    ac.abort();
    await c.sleep(50, ac.signal);
    expect(c.now()).toBe(0);
  });

  it('system: an abort ends a sleep early without throwing', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 10);
    await systemClock.sleep(10_000, ac.signal);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
