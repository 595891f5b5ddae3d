import { describe, expect, it } from 'vitest';
import { parseGo } from '../../../src/parser/formats/go.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseGo(line, ctx);

describe('go', () => {
  it('parses the standard log layout', () => {
    expect(parse('2009/11/10 23:00:00 Hello, playground')).toEqual({
      format: 'go',
      ts: us('2009-11-10T23:00:00Z'),
      level: 'unknown',
      message: 'Hello, playground',
      service: null,
      host: null,
      fields: {},
    });
  });

  it('reads microseconds, the file:line prefix and a leading level word', () => {
    const p = parse('2009/11/10 23:00:00.123456 server.go:87: [WARN] slow request 1.2s');
    expect(p?.ts).toBe(us('2009-11-10T23:00:00.123Z') + 456);
    expect(p?.fields).toEqual({ file: 'server.go', line: 87 });
    expect(p?.level).toBe('warn');
    expect(p?.message).toBe('[WARN] slow request 1.2s');
    expect(parse('2009/11/10 23:00:00 /src/app/main.go:12: ERROR: x')?.fields).toEqual({
      file: '/src/app/main.go',
      line: 12,
    });
  });

  it('rejects other layouts', () => {
    expect(parse('2009-11-10 23:00:00 x')).toBeNull();
    expect(parse('2009/11/10 x')).toBeNull();
  });
});
