import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSchedule } from '../../src/generator/schedule.js';

describe('schedule', () => {
  it('spaces lines evenly at a steady rate', () => {
    const s = createSchedule(4);
    expect([0, 1, 2, 3, 4].map((i) => s.timeOf(i))).toEqual([0, 250, 500, 750, 1000]);
    expect(s.dueBy(0)).toBe(1);
    expect(s.dueBy(249)).toBe(1);
    expect(s.dueBy(250)).toBe(2);
    expect(s.dueBy(1000)).toBe(5);
    expect(s.countBefore(1000)).toBe(4);
  });

  it('handles fractional rates', () => {
    const s = createSchedule(0.1);
    expect(s.timeOf(1)).toBe(10_000);
    expect(s.dueBy(9_999)).toBe(1);
    expect(s.dueBy(10_000)).toBe(2);
  });

  it('always counts line i as due at its own due time', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (rate, i) => {
          const s = createSchedule(rate);
          expect(s.dueBy(s.timeOf(i))).toBeGreaterThanOrEqual(i + 1);
          expect(s.dueBy(s.timeOf(i + 1)) - 1).toBeGreaterThanOrEqual(i + 1);
        },
      ),
    );
  });

  it('raises the rate by the factor inside bursts, starting after one interval', () => {
    const s = createSchedule(10, { everyMs: 10_000, lengthMs: 2_000, factor: 5 });
    expect(s.inBurst(9_999)).toBe(false);
    expect(s.inBurst(10_000)).toBe(true);
    expect(s.inBurst(11_999)).toBe(true);
    expect(s.inBurst(12_000)).toBe(false);
    expect(s.inBurst(20_500)).toBe(true);
    // 10 s calm = 100 lines, then 2 s at 50/s = 100 lines, then 8 s calm = 80 lines.
    expect(s.countBefore(10_000)).toBe(100);
    expect(s.countBefore(12_000)).toBe(200);
    expect(s.countBefore(20_000)).toBe(280);
    expect(s.countBefore(22_000)).toBe(380);
    expect(s.timeOf(100)).toBe(10_000);
    expect(s.timeOf(101)).toBeCloseTo(10_020, 9);
  });

  it('is consistent between timeOf and dueBy with bursts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (i) => {
        const s = createSchedule(37, { everyMs: 7_000, lengthMs: 1_500, factor: 3.5 });
        const t = s.timeOf(i);
        expect(s.dueBy(t)).toBe(i + 1);
        expect(s.timeOf(i + 1)).toBeGreaterThan(t);
      }),
    );
  });
});
