import { describe, expect, it } from 'vitest';
import { parseLogfmt } from '../../../src/parser/formats/logfmt.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseLogfmt(line, ctx);

describe('logfmt', () => {
  it('parses pairs with quoted values and typed numbers', () => {
    expect(
      parse(
        'time=2026-11-27T12:00:00.5Z level=warn msg="slow \\"db\\" query" service=api host=web-1 duration_ms=812.5 rows=3 cached=false path=/v1/x ip=10.0.0.1 user=-',
      ),
    ).toEqual({
      format: 'logfmt',
      ts: us('2026-11-27T12:00:00.500Z'),
      level: 'warn',
      message: 'slow "db" query',
      service: 'api',
      host: 'web-1',
      fields: { duration_ms: 812.5, rows: 3, cached: false, path: '/v1/x', ip: '10.0.0.1' },
    });
  });

  it('keeps quoted numbers as text and IDs with leading zeros as text', () => {
    expect(parse('a="42" b=007 c=12345678901234567890')?.fields).toEqual({
      a: '42',
      b: '007',
      c: '12345678901234567890',
    });
  });

  it('rejects prose and single pairs', () => {
    expect(parse('hello world')).toBeNull();
    expect(parse('only=one')).toBeNull();
    expect(parse('a=1 and b=2')).toBeNull();
    expect(parse('a="unterminated b=2')).toBeNull();
  });
});
