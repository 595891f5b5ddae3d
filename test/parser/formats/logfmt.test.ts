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

describe('logfmt from real systems', () => {
  it('reads a Heroku router line', () => {
    const p = parse(
      'at=info method=GET path="/" host=myapp.herokuapp.com request_id=8601b555 fwd="204.204.204.204" dyno=web.1 connect=1ms service=18ms status=200 bytes=13 protocol=https',
    );
    expect(p?.format).toBe('logfmt');
    expect(p?.fields).toMatchObject({
      at: 'info',
      method: 'GET',
      path: '/',
      status: 200,
      fwd: '204.204.204.204',
    });
  });

  it("reads Go's slog text handler", () => {
    expect(
      parse(
        'time=2026-11-27T12:00:00.000Z level=INFO msg="request done" method=GET status=200 duration=1.2ms',
      ),
    ).toMatchObject({
      ts: us('2026-11-27T12:00:00Z'),
      level: 'info',
      message: 'request done',
      fields: { method: 'GET', status: 200, duration: '1.2ms' },
    });
  });

  it('does not take a small number under a time key for the time', () => {
    const p = parse('t=4 n=10 msg="tick"');
    expect(p?.ts).toBeNaN();
    expect(p?.fields).toEqual({ t: 4, n: 10 });
    expect(parse('ts=1700000000123 msg=x')?.ts).toBe(us('2023-11-14T22:13:20.123Z'));
  });

  it('refuses prose with pairs in it', () => {
    expect(parse('n=3 and then t=4 before it stopped')).toBeNull();
  });
});
