import { describe, expect, it } from 'vitest';
import { formatDuration, progressText } from '../../src/cli/progress.js';

describe('progress line', () => {
  it('shows the rate and the time left from the rate so far', () => {
    // A quarter done in 10 s: 30 s left.
    expect(progressText(0.25, '1/4 files  2500 events', 10, 25_000)).toBe(
      ' 25%  1/4 files  2500 events  2500 lines/s  10.0s  ETA 30s',
    );
    expect(progressText(0.5, 'x', 150, 1000)).toBe(' 50%  x  7 lines/s  150.0s  ETA 2m30s');
  });

  it('does not guess an ETA too early, and drops it when done', () => {
    expect(progressText(0.01, 'x', 0.2, 10)).toMatch(/ETA -$/);
    expect(progressText(1, 'x', 4, 400)).toBe('100%  x  100 lines/s  4.0s');
  });

  it('formats durations in hours, minutes and seconds', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
  });
});
