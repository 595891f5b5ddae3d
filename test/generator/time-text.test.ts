import { describe, expect, it } from 'vitest';
import {
  bsdSecond,
  clfSecond,
  ctimeParts,
  fracMicros,
  fracMillis,
  isoSecond,
  perSecond,
  slashedSecond,
  spacedSecond,
} from '../../src/generator/time-text.js';

const SEC = Date.UTC(2026, 1, 3, 4, 5, 6) / 1000;

describe('time text', () => {
  it('formats a second in every layout the formats use (UTC)', () => {
    expect(isoSecond(SEC)).toBe('2026-02-03T04:05:06');
    expect(spacedSecond(SEC)).toBe('2026-02-03 04:05:06');
    expect(slashedSecond(SEC)).toBe('2026/02/03 04:05:06');
    expect(clfSecond(SEC)).toBe('03/Feb/2026:04:05:06 +0000');
    expect(bsdSecond(SEC)).toBe('Feb  3 04:05:06');
    expect(ctimeParts(SEC)).toEqual(['Tue Feb 03 04:05:06', ' 2026']);
  });

  it('formats fractions of a second from microseconds', () => {
    const us = SEC * 1e6 + 7_089;
    expect(fracMillis(us)).toBe('.007');
    expect(fracMicros(us)).toBe('.007089');
  });

  it('caches per second: one format call per distinct second', () => {
    let calls = 0;
    const f = perSecond((s) => {
      calls++;
      return String(s);
    });
    for (let us = 0; us < 3_000_000; us += 1000) f(us);
    expect(calls).toBe(1 + 3); // the warm-up call, then seconds 0, 1, 2
    expect(f(5_500_000)).toBe('5');
  });
});
