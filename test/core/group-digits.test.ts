import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../src/core/units.js';

describe('groupDigits', () => {
  it('writes counts as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 12345, 1234567, -1234, 2 ** 53, 1e20])
      expect(groupDigits(n)).toBe(n.toLocaleString('en-US'));
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (n) => groupDigits(n) === n.toLocaleString('en-US')),
    );
    fc.assert(fc.property(fc.double({ noNaN: true }), (n) => groupDigits(n) === n.toLocaleString('en-US')));
  });
});
