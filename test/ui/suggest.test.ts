import { describe, expect, it } from 'vitest';
import {
  addFilter,
  applySuggestion,
  quoteValue,
  rank,
  suggest,
  suggestContext,
  valueSuggestions,
} from '../../ui/src/lib/suggest.js';

const known = {
  fields: ['level', 'latency_ms', 'service', 'status', 'user_id'],
  pipes: ['count', 'stats', 'timechart', 'top'],
};

describe('autocomplete', () => {
  it('offers field names where a term begins', () => {
    const ctx = suggestContext('error lev', 9);
    expect(ctx).toMatchObject({ kind: 'field', from: 6, to: 9, prefix: 'lev' });
    expect(suggest(ctx, known).map((s) => s.insert)).toEqual(['level:']);
    expect(suggest(suggestContext('l', 1), known).map((s) => s.label)).toEqual(['level', 'latency_ms']);
  });

  it('offers pipe commands right after a pipe, and fields in its arguments', () => {
    const ctx = suggestContext('error | t', 9);
    expect(ctx.kind).toBe('pipe');
    expect(suggest(ctx, known).map((s) => s.label)).toEqual(['timechart', 'top', 'count', 'stats']);
    const by = suggestContext('error | count by ser', 20);
    expect(by).toMatchObject({ kind: 'field', search: false });
    expect(suggest(by, known).map((s) => s.insert)).toEqual(['service', 'user_id']);
  });

  it('asks for values after field:, negated too', () => {
    expect(suggestContext('level:er', 8)).toEqual({
      kind: 'value',
      from: 6,
      to: 8,
      prefix: 'er',
      field: 'level',
    });
    expect(suggestContext('x -service:ap', 13)).toEqual({
      kind: 'value',
      from: 11,
      to: 13,
      prefix: 'ap',
      field: 'service',
    });
    expect(suggestContext('status>=5', 9)).toEqual({ kind: 'none' });
    expect(suggestContext('"inside a phr', 13)).toEqual({ kind: 'none' });
  });

  it('puts a choice in place and quotes values that need it', () => {
    const ctx = suggestContext('service:ap and', 10);
    if (ctx.kind === 'none') throw new Error('no context');
    const [s] = valueSuggestions([{ value: 'api gateway', count: 3 }]);
    expect(applySuggestion('service:ap and', ctx, s)).toEqual({
      text: 'service:"api gateway"  and',
      cursor: 22,
    });
    expect(quoteValue('plain')).toBe('plain');
    expect(quoteValue('a"b')).toBe('"a\\"b"');
    expect(quoteValue('')).toBe('""');
  });

  it('ranks prefix matches before inner matches', () => {
    expect(rank(['user_id', 'id_token', 'trace_id', 'level'], 'ID')).toEqual([
      'id_token',
      'user_id',
      'trace_id',
    ]);
  });
});

describe('filters from the sidebar', () => {
  it('adds field:value, or -field:value, replacing the opposite, keeping the pipes last', () => {
    expect(addFilter('', 'level', 'error', false)).toBe('level:error');
    expect(addFilter('*', 'level', 'error', true)).toBe('-level:error');
    expect(addFilter('timeout | count by service', 'service', 'api gateway', false)).toBe(
      'timeout service:"api gateway" | count by service',
    );
    expect(addFilter('level:error', 'level', 'error', true)).toBe('-level:error');
    expect(addFilter('-level:error', 'level', 'error', false)).toBe('level:error');
  });
});
