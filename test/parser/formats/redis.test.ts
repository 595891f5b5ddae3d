import { describe, expect, it } from 'vitest';
import { parseRedis } from '../../../src/parser/formats/redis.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseRedis(line, ctx);

describe('redis', () => {
  it('reads pid, role, stamp and the level symbol', () => {
    expect(parse('1:M 06 Nov 2017 11:11:11.123 * Ready to accept connections')).toEqual({
      format: 'redis',
      ts: us('2017-11-06T11:11:11.123Z'),
      level: 'info',
      message: 'Ready to accept connections',
      service: null,
      host: null,
      fields: { pid: 1, role: 'M' },
    });
    expect(parse('26070:S 07 Sep 2017 16:43:47.683 # Server initialized')?.level).toBe('warn');
    expect(parse('26070:C 07 Sep 2017 16:43:47.683 - Accepted 10.0.0.1:5')?.level).toBe('debug');
    expect(parse('26070:M 07 Sep 2017 16:43:47.683 . DB 0: 1 keys')?.level).toBe('debug');
  });

  it('reads the older year-less layout', () => {
    expect(parse('[4018] 14 Nov 07:01:22.119 * Server started, Redis version 2.2.12')).toMatchObject({
      ts: us('2026-11-14T07:01:22.119Z'),
      level: 'info',
      fields: { pid: 4018 },
    });
  });

  it('rejects other lines', () => {
    for (const line of [
      '1:Q 06 Nov 2017 11:11:11.123 * x',
      '1:M 06 Nov 2017 11:11:11.123 ! x',
      '[x] 14 Nov 07:01:22.119 * x',
      '12 apples',
      '',
    ]) {
      expect(parse(line), line).toBeNull();
    }
  });
});
