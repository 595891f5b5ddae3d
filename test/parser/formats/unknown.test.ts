import { describe, expect, it } from 'vitest';
import { parseUnknown, unknown } from '../../../src/parser/formats/unknown.js';

describe('unknown', () => {
  it('keeps the whole line as message', () => {
    expect(parseUnknown('some \u0000 odd line')).toEqual({
      format: 'unknown',
      ts: Number.NaN,
      level: 'unknown',
      message: 'some \u0000 odd line',
      service: null,
      host: null,
      fields: {},
    });
    expect(unknown.probe('', 0)).toBe(true);
  });
});
