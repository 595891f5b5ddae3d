import { describe, expect, it } from 'vitest';
import { formatMicros } from '../../../src/core/time.js';
import { app } from '../../../src/generator/formats/app.js';
import { renderMany, share } from '../helpers.js';

const LINE = /^\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\] (DEBUG|INFO|WARN|ERROR) \[([a-z-]+)\] (.+)$/;

describe('app', () => {
  const records = renderMany(app, 5000, { stepUs: 1_337 });

  it('writes [time] LEVEL [service] message', () => {
    for (const { tsUs, text } of records) {
      const m = LINE.exec(text);
      expect(m, text).not.toBeNull();
      expect(m![1]).toBe(formatMicros(tsUs).slice(0, 23) + 'Z');
    }
    const levels = records.map((r) => LINE.exec(r.text)![2]);
    expect(share(levels, (l) => l === 'INFO')).toBeCloseTo(0.7, 1);
  });
});
