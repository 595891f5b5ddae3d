import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/collector/inputs/event-queue.js';
import type { Batch, RawEvent } from '../../../src/core/events.js';

const ev = (i: number): RawEvent => ({
  source: 's',
  generation: 'g',
  offset: i,
  line: `l${i}`,
  received_at: 0,
});

describe('EventQueue', () => {
  it('hands out full batches at once and a partial one after flushMs', async () => {
    const q = new EventQueue({ maxBatchLines: 3, maxBatchesInFlight: 4, flushMs: 20, maxQueued: 6 });
    const it = q.batches();
    for (let i = 0; i < 4; i++) q.push(ev(i));
    const a = (await it.next()).value as Batch<RawEvent>;
    expect(a.events.map((e) => e.offset)).toEqual([0, 1, 2]);
    const b = (await it.next()).value as Batch<RawEvent>;
    expect(b.events.map((e) => e.offset)).toEqual([3]);
    q.end();
    expect((await it.next()).done).toBe(true);
  });

  it('hands out a partial batch its sender waits on once events stop coming, not after flushMs', async () => {
    const q = new EventQueue({
      maxBatchLines: 100,
      maxBatchesInFlight: 4,
      flushMs: 60_000,
      maxQueued: 200,
      waited: true,
    });
    const it = q.batches();
    // A burst (a window of messages in a few reads), then nothing: the sender waits for its answer.
    q.push(ev(0));
    queueMicrotask(() => {
      q.push(ev(1));
      queueMicrotask(() => q.push(ev(2)));
    });
    const started = performance.now();
    const a = (await it.next()).value as Batch<RawEvent>;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(a.waited).toBe(true);
    expect(a.events.map((e) => e.offset)).toEqual([0, 1, 2]);
    // A queue whose sender does not wait keeps gathering for flushMs.
    const plain = new EventQueue({
      maxBatchLines: 100,
      maxBatchesInFlight: 4,
      flushMs: 60_000,
      maxQueued: 200,
    });
    const pit = plain.batches();
    plain.push(ev(0));
    const raced = await Promise.race([
      pit.next().then(() => 'out'),
      new Promise((r) => setTimeout(() => r('gathering'), 100)),
    ]);
    expect(raced).toBe('gathering');
    plain.end();
    q.end();
  });

  it('says full at its bound and calls onSpace when a batch leaves', async () => {
    const q = new EventQueue({ maxBatchLines: 2, maxBatchesInFlight: 1, flushMs: 5, maxQueued: 4 });
    let spaced = 0;
    q.onSpace(() => spaced++);
    for (let i = 0; i < 4; i++) q.push(ev(i));
    expect(q.full()).toBe(true);
    const it = q.batches();
    const first = (await it.next()).value as Batch<RawEvent>;
    expect(spaced).toBe(1);
    const second = it.next();
    const raced = await Promise.race([
      second.then(() => 'read'),
      new Promise((r) => setTimeout(() => r('blocked'), 50)),
    ]);
    expect(raced).toBe('blocked'); // one batch in flight at most
    first.ack();
    expect(((await second).value as Batch<RawEvent>).events.map((e) => e.offset)).toEqual([2, 3]);
  });
});
