import { describe, expect, it } from 'vitest';
import { java } from '../../../src/generator/formats/java.js';
import { spacedSecond } from '../../../src/generator/time-text.js';
import { renderMany, share } from '../helpers.js';

const HEAD =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),(\d{3}) (DEBUG|INFO |WARN |ERROR) \[([\w.-]+)\] (com\.shop\.[a-z]+\.[A-Za-z]+) - (.+)$/;
const FRAME =
  /^(\tat [\w$./]+\([\w.]+(?::\d+)?\)|\tat [\w$./]+\(Native Method\)|\t\.\.\. \d+ more|Caused by: [\w.$]+: .+|[\w.$]+(?:Exception|Error): .+)$/;

describe('java', () => {
  const records = renderMany(java, 8000, { stepUs: 1_337 });

  it('writes the log4j layout, time to the millisecond', () => {
    for (const { tsUs, text } of records) {
      const m = HEAD.exec(text.split('\n')[0]);
      expect(m, text).not.toBeNull();
      expect(m![1]).toBe(spacedSecond(Math.floor(tsUs / 1e6)));
      expect(Number(m![2])).toBe(Math.floor(tsUs / 1000) % 1000);
    }
  });

  it('adds stack traces to about half the errors, and only to errors', () => {
    const multi = records.filter((r) => r.text.includes('\n'));
    for (const r of multi) {
      const [head, ...rest] = r.text.split('\n');
      expect(HEAD.exec(head)![3]).toBe('ERROR');
      for (const l of rest) expect(l).toMatch(FRAME);
    }
    const errors = records.filter((r) => HEAD.exec(r.text.split('\n')[0])![3] === 'ERROR');
    expect(share(errors, (r) => r.text.includes('\n'))).toBeGreaterThan(0.35);
    expect(share(errors, (r) => r.text.includes('\n'))).toBeLessThan(0.65);
  });
});
