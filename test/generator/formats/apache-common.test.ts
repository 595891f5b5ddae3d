import { describe, expect, it } from 'vitest';
import { apacheCommon } from '../../../src/generator/formats/apache-common.js';
import { clfSecond } from '../../../src/generator/time-text.js';
import { renderMany } from '../helpers.js';

const LINE =
  /^(\d{1,3}(?:\.\d{1,3}){3}) - (-|[a-z]+) \[(\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\] "(GET|POST|PUT|PATCH|DELETE) (\/[^ "]*) HTTP\/1\.1" (\d{3}) (\d+|-)$/;

describe('apache_common', () => {
  const records = renderMany(apacheCommon, 5000);

  it('writes the Common Log Format with the event time', () => {
    for (const { tsUs, text } of records) {
      const m = LINE.exec(text);
      expect(m, text).not.toBeNull();
      expect(m![3]).toBe(clfSecond(Math.floor(tsUs / 1e6)));
      if (m![6] === '304' || m![6] === '204') expect(m![7]).toBe('-');
    }
  });
});
