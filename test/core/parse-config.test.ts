import { describe, expect, it } from 'vitest';
import { ParserConfigSchema, parserWorkers } from '../../src/core/parse-config.js';

describe('ParserConfigSchema', () => {
  it('fills defaults', () => {
    expect(ParserConfigSchema.parse({})).toEqual({
      default_format: 'auto',
      timezone: 'UTC',
      grok_patterns: {},
      patterns: [],
      workers: 'auto',
    });
  });

  it('takes workers as auto or a whole number, and names what is wrong otherwise', () => {
    expect(ParserConfigSchema.parse({ workers: 3 }).workers).toBe(3);
    expect(ParserConfigSchema.parse({ workers: 'auto' }).workers).toBe('auto');
    for (const v of [-1, 1.5, 'many', 65]) {
      const r = ParserConfigSchema.safeParse({ workers: v });
      expect(r.success).toBe(false);
    }
    expect(parserWorkers('auto', 1)).toBe(0);
    expect(parserWorkers('auto', 2)).toBe(1);
    expect(parserWorkers('auto', 16)).toBe(1);
    expect(parserWorkers(0, 16)).toBe(0);
    expect(parserWorkers(3, 2)).toBe(3);
  });

  it('accepts grok and regex patterns', () => {
    const c = ParserConfigSchema.parse({
      timezone: 'Europe/Berlin',
      grok_patterns: { ORDER_ID: 'ord-[0-9]+' },
      patterns: [
        { name: 'shop', grok: '%{ORDER_ID:order} %{GREEDYDATA:message}' },
        { name: 'legacy', regex: '^(?<message>.*)$', fields_types: { n: 'int' } },
      ],
    });
    expect(c.patterns).toHaveLength(2);
  });

  it('rejects a pattern with both or neither expression, odd names and unknown keys', () => {
    const bad = (v: unknown) => expect(ParserConfigSchema.safeParse(v).success).toBe(false);
    bad({ patterns: [{ name: 'x', grok: 'a', regex: 'b' }] });
    bad({ patterns: [{ name: 'x' }] });
    bad({ patterns: [{ name: 'Bad Name', grok: 'a' }] });
    bad({ patterns: [{ name: 'x', grok: 'a', typo: 1 }] });
    bad({ patterns: [{ name: 'x', grok: 'a', fields_types: { n: 'long' } }] });
    bad({ grok_patterns: { lower: 'x' } });
    bad({ colour: 'red' });
  });
});
