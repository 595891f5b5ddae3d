import { describe, expect, it } from 'vitest';
import { python } from '../../../src/generator/formats/python.js';
import { spacedSecond } from '../../../src/generator/time-text.js';
import { renderMany } from '../helpers.js';

const HEAD =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),(\d{3}) - (shop\.[a-z_]+\.[a-z]+) - (DEBUG|INFO|WARNING|ERROR) - (.+)$/;

describe('python', () => {
  const records = renderMany(python, 8000, { stepUs: 1_337 });

  it('writes the logging cookbook layout', () => {
    for (const { tsUs, text } of records) {
      const m = HEAD.exec(text.split('\n')[0]);
      expect(m, text).not.toBeNull();
      expect(m![1]).toBe(spacedSecond(Math.floor(tsUs / 1e6)));
      expect(Number(m![2])).toBe(Math.floor(tsUs / 1000) % 1000);
    }
  });

  it('adds tracebacks to errors: header, File/code line pairs, exception last', () => {
    const multi = records.filter((r) => r.text.includes('\n'));
    expect(multi.length).toBeGreaterThan(50);
    for (const r of multi) {
      const [head, tb, ...rest] = r.text.split('\n');
      expect(HEAD.exec(head)![4]).toBe('ERROR');
      expect(tb).toBe('Traceback (most recent call last):');
      const last = rest.pop()!;
      expect(last).toMatch(/^[\w.]+(Error|Exception|Timeout): .+$/);
      for (let i = 0; i < rest.length; i += 2) {
        expect(rest[i]).toMatch(/^ {2}File "[^"]+", line \d+, in \w+$/);
        expect(rest[i + 1]).toMatch(/^ {4}\S/);
      }
    }
  });
});
