import { describe, expect, it } from 'vitest';
import { parseApp } from '../../../src/parser/formats/app.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseApp(line, ctx);

describe('app', () => {
  it('parses `[timestamp] LEVEL [service] message`', () => {
    expect(parse('[2026-11-27T12:00:00.123Z] INFO [checkout] order placed id=42')).toEqual({
      format: 'app',
      ts: us('2026-11-27T12:00:00.123Z'),
      level: 'info',
      message: 'order placed id=42',
      service: 'checkout',
      host: null,
      fields: {},
    });
  });

  it('accepts other stamp layouts, no service, odd levels', () => {
    expect(parse('[2026-11-27 12:00:00,5] Warning something')).toMatchObject({
      level: 'warn',
      service: null,
      message: 'something',
      fields: { level_raw: 'Warning' },
    });
  });

  it('rejects lines without a level after the stamp', () => {
    expect(parse('[2026-11-27T12:00:00Z] hello')).toBeNull();
    expect(parse('[Wed Oct 11 14:32:52 2000] [error] x')).toBeNull();
  });
});
