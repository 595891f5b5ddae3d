import { describe, expect, it } from 'vitest';
import { nginxAccess } from '../../../src/generator/formats/nginx-access.js';
import { clfSecond } from '../../../src/generator/time-text.js';
import { renderMany } from '../helpers.js';

const LINE =
  /^(10\.0\.\d\.\d+) - (-|[a-z]+) \[([^\]]+)\] "(GET|POST|PUT|PATCH|DELETE) (\/[^ "]*) HTTP\/1\.1" (\d{3}) (\d+) "([^"]*)" "([^"]+)" "(\d{1,3}(?:\.\d{1,3}){3})"$/;

describe('nginx_access', () => {
  const records = renderMany(nginxAccess, 5000);

  it('writes the main layout: combined fields plus the forwarded client', () => {
    for (const { tsUs, text } of records) {
      const m = LINE.exec(text);
      expect(m, text).not.toBeNull();
      expect(m![3]).toBe(clfSecond(Math.floor(tsUs / 1e6)));
      if (m![6] === '304') expect(m![7]).toBe('0');
    }
  });

  it('varies the forwarded client address', () => {
    const clients = new Set(records.map((r) => LINE.exec(r.text)![10]));
    expect(clients.size).toBeGreaterThan(500);
  });
});
