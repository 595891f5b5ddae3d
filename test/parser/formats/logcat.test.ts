import { describe, expect, it } from 'vitest';
import { parseLogcat } from '../../../src/parser/formats/logcat.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseLogcat(line, ctx);

describe('logcat', () => {
  it('parses the threadtime layout', () => {
    expect(
      parse('11-27 11:00:00.123  1234  5678 I ActivityManager: Start proc 4321:com.example/u0a123'),
    ).toEqual({
      format: 'logcat',
      ts: us('2026-11-27T11:00:00.123Z'),
      level: 'info',
      message: 'Start proc 4321:com.example/u0a123',
      service: null,
      host: null,
      fields: { pid: 1234, tid: 5678, tag: 'ActivityManager' },
    });
  });

  it('handles padded tags, verbose and error letters, unicode', () => {
    const p = parse('11-27 11:00:00.123 10001 10002 E chromium    : [ERROR:x.cc(1)] ünïcødé ✓');
    expect(p?.fields.tag).toBe('chromium');
    expect(p?.level).toBe('error');
    expect(p?.message).toBe('[ERROR:x.cc(1)] ünïcødé ✓');
    expect(parse('11-27 11:00:00.123  1  2 V Tag: v')?.level).toBe('trace');
  });

  it('parses the brief and time layouts', () => {
    expect(parse('D/dalvikvm( 1234): GC_CONCURRENT freed 2049K')).toEqual({
      format: 'logcat',
      ts: Number.NaN,
      level: 'debug',
      message: 'GC_CONCURRENT freed 2049K',
      service: null,
      host: null,
      fields: { pid: 1234, tag: 'dalvikvm' },
    });
    expect(parse('W/Tag: short')).toMatchObject({ level: 'warn', message: 'short', fields: { tag: 'Tag' } });
    expect(parse('11-27 11:00:00.123 E/AndroidRuntime(  585): FATAL EXCEPTION: main')).toMatchObject({
      ts: us('2026-11-27T11:00:00.123Z'),
      level: 'error',
      message: 'FATAL EXCEPTION: main',
      fields: { pid: 585, tag: 'AndroidRuntime' },
    });
    // Prose that looks alike is not logcat.
    expect(parse('N/A: no value')).toBeNull();
    expect(parse('I/O error: disk gone')).toBeNull();
  });

  it('rejects other lines', () => {
    expect(parse('11-27 11:00:00.123 I Tag: no pid')).toBeNull();
    expect(parse('2026-11-27 11:00:00 x')).toBeNull();
  });
});
