import { describe, expect, it } from 'vitest';
import { parseKv } from '../../../src/parser/formats/kv.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseKv(line, ctx);

describe('kv', () => {
  it('parses pairs among text after a stamp and level', () => {
    expect(parse('2026-11-27 12:00:00 WARN payment retry user=bob, amount=12.50; attempt=2')).toEqual({
      format: 'kv',
      ts: us('2026-11-27T12:00:00Z'),
      level: 'warn',
      message: 'payment retry',
      service: null,
      host: null,
      fields: { user: 'bob', amount: 12.5, attempt: 2 },
    });
  });

  it('uses well-known keys and quoted values', () => {
    const p = parse('audit: action=login user="Jane Doe" level=error ts=1700000000');
    expect(p).toMatchObject({ level: 'error', message: 'audit', ts: us('2023-11-14T22:13:20Z') });
    expect(p?.fields).toEqual({ action: 'login', user: 'Jane Doe' });
  });

  it('needs two pairs', () => {
    expect(parse('x=1 only')).toBeNull();
    expect(parse('no pairs at all')).toBeNull();
    expect(parse('a == b')).toBeNull();
  });
});
