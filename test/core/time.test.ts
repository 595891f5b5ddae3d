import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { formatMicros, parseDuration, parseIsoMicros, parseTimePoint } from '../../src/core/time.js';

describe('time helpers', () => {
  it('formats and parses microseconds', () => {
    expect(formatMicros(1767323045000001)).toBe('2026-01-02T03:04:05.000001Z');
    expect(parseIsoMicros('2026-01-02T03:04:05.000001Z')).toBe(1767323045000001);
    expect(parseIsoMicros('2026-01-02 04:04:05,5+01:00')).toBe(1767323045500000);
    expect(parseIsoMicros('nope')).toBeNaN();
  });

  it('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(() => parseDuration('15 minutes')).toThrow(UsageError);
  });

  it('parses relative and absolute time points', () => {
    const now = Date.UTC(2026, 0, 2, 12, 0, 0);
    expect(parseTimePoint('15m', now)).toBe((now - 900_000) * 1000);
    expect(parseTimePoint('now-1h', now)).toBe((now - 3_600_000) * 1000);
    expect(parseTimePoint('now', now)).toBe(now * 1000);
    expect(parseTimePoint('2026-01-01', now)).toBe(Date.UTC(2026, 0, 1) * 1000);
    expect(() => parseTimePoint('yesterday', now)).toThrow(/invalid time "yesterday"/);
  });
});
