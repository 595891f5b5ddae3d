import { describe, expect, it } from 'vitest';
import { ParserConfigSchema } from '../../src/core/parse-config.js';

describe('ParserConfigSchema', () => {
  it('fills defaults', () => {
    expect(ParserConfigSchema.parse({})).toEqual({
      default_format: 'auto',
      timezone: 'UTC',
      grok_patterns: {},
      patterns: [],
      workers: 0,
    });
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
