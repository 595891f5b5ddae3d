import { describe, expect, it } from 'vitest';
import { apacheError } from '../../../src/generator/formats/apache-error.js';
import { renderMany } from '../helpers.js';

const LINE =
  /^\[(\w{3}) (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) (\d{4})\] \[([a-z_]+):(debug|info|warn|error)\] \[pid (\d+):tid (\d+)\] (?:\[client ([\d.]+):(\d+)\] )?(.+)$/;

describe('apache_error', () => {
  const records = renderMany(apacheError, 5000, { stepUs: 1_234_567 });

  it('writes Apache 2.4 error lines with a ctime stamp and microseconds', () => {
    for (const { tsUs, text } of records) {
      const m = LINE.exec(text);
      expect(m, text).not.toBeNull();
      const d = new Date(Math.floor(tsUs / 1000));
      expect(d.toUTCString().slice(0, 3)).toBe(m![1]);
      expect(Number(m![3])).toBe(d.getUTCDate());
      expect(Number(m![7])).toBe(tsUs % 1_000_000);
      expect(Number(m![8])).toBe(d.getUTCFullYear());
    }
  });

  it('gives error lines a client more often than not', () => {
    const errors = records.map((r) => LINE.exec(r.text)!).filter((m) => m[10] === 'error');
    expect(errors.length).toBeGreaterThan(100);
    expect(errors.filter((m) => m[13]).length).toBeGreaterThan(errors.length / 2);
  });
});
