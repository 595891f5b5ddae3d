import { describe, expect, it } from 'vitest';
import { allFields, cutPaths, eventJson, isCut, valueAt } from '../../ui/src/lib/rows.js';

const cut = {
  ts: '2026-01-02T00:00:00.000000Z',
  message: 'mmm',
  raw: 'rrr',
  service: 'api',
  fields: { payload: 'ppp', n: 1 },
  _truncated: ['message', 'raw', 'fields.payload'],
};

describe('rows cut for a list page', () => {
  it('tells which values a column shows were cut: columns, and keys of fields by either name', () => {
    expect(cutPaths(cut)).toEqual(['message', 'raw', 'fields.payload']);
    expect(isCut(cut, 'message')).toBe(true);
    expect(isCut(cut, 'service')).toBe(false);
    expect(isCut(cut, 'payload')).toBe(true);
    expect(isCut(cut, 'fields.payload')).toBe(true);
    expect(isCut(cut, 'n')).toBe(false);
    expect(isCut({ message: 'x' }, 'message')).toBe(false);
  });

  it('lists an event’s values with their paths, without the list’s mark, and reads them back by path', () => {
    const values = allFields(cut);
    expect(values.map((v) => v.path)).toEqual(['ts', 'message', 'service', 'fields.payload', 'fields.n']);
    expect(values.map((v) => v.name)).toEqual(['ts', 'message', 'service', 'payload', 'n']);
    const whole = { ...cut, message: 'the whole message', fields: { payload: 'the whole payload', n: 1 } };
    for (const v of values) expect(valueAt(cut, v.path)).toBe(v.value);
    expect(valueAt(whole, 'fields.payload')).toBe('the whole payload');
    expect(valueAt(whole, 'message')).toBe('the whole message');
    expect(JSON.parse(eventJson(cut))).not.toHaveProperty('_truncated');
    expect(JSON.parse(eventJson(cut)).raw).toBe('rrr');
  });
});
