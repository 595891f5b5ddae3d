import { describe, expect, it } from 'vitest';
import { nginxError } from '../../../src/generator/formats/nginx-error.js';
import { slashedSecond } from '../../../src/generator/time-text.js';
import { renderMany, share } from '../helpers.js';

const LINE =
  /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}) \[(debug|notice|warn|error)\] (\d+)#0: (?:\*(\d+) ([^,]+(?:, [^,:]+)*?), client: ([\d.]+), server: shop\.example\.com, request: "([A-Z]+) (\/\S*) HTTP\/1\.1"(?:, upstream: "http:\/\/[\d.:]+\/")?, host: "shop\.example\.com"|([^*].*))$/;

describe('nginx_error', () => {
  const records = renderMany(nginxError, 5000);
  const parsed = records.map((r) => ({ ...r, m: LINE.exec(r.text) }));

  it('writes the error log layout, with request context on request errors', () => {
    for (const { tsUs, text, m } of parsed) {
      expect(m, text).not.toBeNull();
      expect(m![1]).toBe(slashedSecond(Math.floor(tsUs / 1e6)));
    }
  });

  it('follows the level mix (notice stands for info)', () => {
    expect(share(parsed, (p) => p.m![2] === 'notice')).toBeCloseTo(0.7, 1);
    expect(share(parsed, (p) => p.m![2] === 'error')).toBeGreaterThan(0.03);
    expect(share(parsed, (p) => p.m![6] !== undefined)).toBeGreaterThan(0.2);
  });
});
