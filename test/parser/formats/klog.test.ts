import { describe, expect, it } from 'vitest';
import { parseKlog } from '../../../src/parser/formats/klog.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseKlog(line, ctx);

describe('klog', () => {
  it('parses a klog line, inferring the year', () => {
    expect(
      parse('I1127 11:58:01.123456   12345 controller.go:123] "Reconciled" pod="default/web-0"'),
    ).toEqual({
      format: 'klog',
      ts: us('2026-11-27T11:58:01.123Z') + 456,
      level: 'info',
      message: '"Reconciled" pod="default/web-0"',
      service: null,
      host: null,
      fields: { pid: 12345, file: 'controller.go', line: 123 },
    });
  });

  it('maps the level letters and tolerates an empty message', () => {
    expect(parse('E1127 11:58:01.000001 1 reflector.go:138] failed to list')?.level).toBe('error');
    expect(parse('W1127 11:58:01.000001 1 x.go:1] ')?.level).toBe('warn');
    expect(parse('F1127 11:58:01.000001 1 x.go:1]')?.message).toBe('');
  });

  it('rejects other lines', () => {
    expect(parse('I am not klog')).toBeNull();
    expect(parse('X1127 11:58:01.000001 1 x.go:1] m')).toBeNull();
    expect(parse('I1327 11:58:01.000001 1 x.go:1] m')).toBeNull();
  });
});
