import { describe, expect, it } from 'vitest';
import { fieldDurationUnit, nsIn, parseDurationNs, parseLiteral } from '../../src/query/literals.js';

describe('parseLiteral', () => {
  it('reads plain numbers', () => {
    expect(parseLiteral('500')).toEqual({ kind: 'number', value: 500 });
    expect(parseLiteral('-3.5')).toEqual({ kind: 'number', value: -3.5 });
    expect(parseLiteral('1e3')).toEqual({ kind: 'number', value: 1000 });
    expect(parseLiteral('.5')).toEqual({ kind: 'number', value: 0.5 });
    expect(parseLiteral('1e400')).toBeUndefined();
  });

  it('reads sizes as binary multiples, any case', () => {
    expect(parseLiteral('10KB')).toEqual({ kind: 'size', bytes: 10240 });
    expect(parseLiteral('1.5mb')).toEqual({ kind: 'size', bytes: 1.5 * 1024 ** 2 });
    expect(parseLiteral('2GiB')).toEqual({ kind: 'size', bytes: 2 * 1024 ** 3 });
    expect(parseLiteral('7b')).toEqual({ kind: 'size', bytes: 7 });
    expect(parseLiteral('10 KB')).toEqual({ kind: 'size', bytes: 10240 });
  });

  it('reads durations, compound ones too', () => {
    expect(parseLiteral('250ms')).toEqual({ kind: 'duration', ns: 250e6 });
    expect(parseLiteral('1h30m')).toEqual({ kind: 'duration', ns: 5400e9 });
    expect(parseDurationNs('2us')).toBe(2000);
    expect(parseDurationNs('1w')).toBe(604800e9);
  });

  it('refuses everything else', () => {
    for (const bad of ['abc', '5M', '1h30', 'ms', '', '5m2', '0x10'])
      expect(parseLiteral(bad), bad).toBeUndefined();
  });
});

describe('field units', () => {
  it('takes the unit from the name suffix', () => {
    expect(fieldDurationUnit('latency_ms')).toBe('ms');
    expect(fieldDurationUnit('wait_s')).toBe('s');
    expect(fieldDurationUnit('gc_seconds')).toBe('s');
    expect(fieldDurationUnit('span_us')).toBe('us');
    expect(fieldDurationUnit('cpu_ns')).toBe('ns');
    expect(fieldDurationUnit('duration')).toBeUndefined();
    expect(fieldDurationUnit('status')).toBeUndefined();
  });

  it('converts nanoseconds into a unit', () => {
    expect(nsIn(250e6, 'ms')).toBe(250);
    expect(nsIn(1.5e9, 's')).toBe(1.5);
    expect(nsIn(2e6, 'us')).toBe(2000);
  });
});
