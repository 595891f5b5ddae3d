import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  holdBatch,
  newOrderedAcks,
  noFailureYet,
  type PendingBatch,
  settleBatch,
} from '../../src/collector/ordered-acks.js';

describe('ordered acks', () => {
  it('moves the position only over batches acknowledged in order', () => {
    const acks = newOrderedAcks(0, false);
    const a = holdBatch(acks, 100, false);
    const b = holdBatch(acks, 200, true);
    const c = holdBatch(acks, 300, false);
    expect(settleBatch(acks, c, false)).toBe(false);
    expect(settleBatch(acks, b, false)).toBe(false);
    expect([acks.offset, acks.skip]).toEqual([0, false]);
    expect(settleBatch(acks, a, false)).toBe(true);
    expect([acks.offset, acks.skip]).toEqual([300, false]);
    expect(acks.pending).toEqual([]);
  });

  it('keeps each intermediate position, skip flag included', () => {
    const acks = newOrderedAcks(10, true);
    const a = holdBatch(acks, 100, true);
    holdBatch(acks, 200, false);
    expect(settleBatch(acks, a, false)).toBe(true);
    expect([acks.offset, acks.skip]).toEqual([100, true]);
    expect(acks.pending).toHaveLength(1);
  });

  it('ignores a second acknowledgement of one batch', () => {
    const acks = newOrderedAcks(0, false);
    const a = holdBatch(acks, 100, false);
    const b = holdBatch(acks, 200, false);
    settleBatch(acks, b, false);
    expect(settleBatch(acks, b, true)).toBe(false);
    expect(b.failed).toBe(false);
    settleBatch(acks, a, false);
    expect(acks.offset).toBe(200);
  });

  it('stops for good before a failed batch, so a restart reads it again', () => {
    const acks = newOrderedAcks(0, false);
    const a = holdBatch(acks, 100, false);
    const b = holdBatch(acks, 200, false);
    const c = holdBatch(acks, 300, false);
    expect(noFailureYet(acks)).toBe(true);
    settleBatch(acks, b, true);
    expect(noFailureYet(acks)).toBe(false);
    settleBatch(acks, c, false);
    expect(settleBatch(acks, a, false)).toBe(true);
    expect(acks.offset).toBe(100);
    expect(acks.stalled).toBe(true);
    const d = holdBatch(acks, 400, false);
    expect(settleBatch(acks, d, false)).toBe(false);
    expect(acks.offset).toBe(100);
    expect(noFailureYet(acks)).toBe(false);
  });

  it('in any order of acknowledgement, the position is the end of the acknowledged run from the oldest', () => {
    const order = fc
      .integer({ min: 1, max: 12 })
      .chain((n) =>
        fc.tuple(
          fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
          fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(order, ([perm, fails]) => {
        const n = perm.length;
        const acks = newOrderedAcks(0, false);
        const batches: PendingBatch[] = [];
        for (let i = 0; i < n; i++) batches.push(holdBatch(acks, (i + 1) * 10, false));
        const done = new Set<number>();
        for (const i of perm) {
          settleBatch(acks, batches[i], fails[i]);
          done.add(i);
          let run = 0;
          while (run < n && done.has(run) && !fails[run]) run++;
          expect(acks.offset).toBe(run * 10);
        }
        expect(acks.pending).toEqual([]);
      }),
    );
  });
});
