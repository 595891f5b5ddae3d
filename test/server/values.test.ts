import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { regexLiteral } from '../../src/server/values.js';
import { type ApiFixture, apiWith } from '../helpers/api.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2) * 1000;

let api: ApiFixture | null = null;
afterEach(async () => {
  await api?.store.close();
  api = null;
});

/** `n` events with these fields. */
function some(n: number, start: number, over: Partial<LogEvent>): LogEvent[] {
  return Array.from({ length: n }, (_, i) => testEvent(start + i, { ts: T0 + (start + i) * 1000, ...over }));
}

function store(): LogEvent[] {
  return [
    ...some(5, 0, { service: 'api', fields: { user: 'alice', status: 500, path: '/api/v1.0(x)' } }),
    ...some(3, 100, { service: 'auth', fields: { user: 'Albert', status: 503, path: '/api/v1x0' } }),
    ...some(2, 200, { service: 'Alpha', fields: { user: 'ALICE', status: 200, path: '/health' } }),
    ...some(1, 300, { service: 'web', level: 'error', fields: { user: 'bob', status: 404 } }),
  ];
}

describe('GET /api/values', () => {
  it('gives the values starting with the prefix in any case, most common first', async () => {
    api = await apiWith(store());
    const { status, body } = await api.get('/api/values?field=user&prefix=al');
    expect(status).toBe(200);
    expect(body).toEqual({
      field: 'user',
      values: [
        { value: 'alice', count: 5 },
        { value: 'Albert', count: 3 },
        { value: 'ALICE', count: 2 },
      ],
    });
    const upper = await api.get('/api/values?field=user&prefix=ALI');
    expect(upper.body.values.map((v: { value: string }) => v.value)).toEqual(['alice', 'ALICE']);
  });

  it('reads columns and JSON fields, text and numbers', async () => {
    api = await apiWith(store());
    const services = await api.get('/api/values?field=service&prefix=a');
    expect(services.body.values).toEqual([
      { value: 'api', count: 5 },
      { value: 'auth', count: 3 },
      { value: 'Alpha', count: 2 },
    ]);
    const statuses = await api.get('/api/values?field=status&prefix=5');
    expect(statuses.body.values).toEqual([
      { value: 500, count: 5 },
      { value: 503, count: 3 },
    ]);
    const all = await api.get('/api/values?field=status');
    expect(all.body.values.map((v: { value: number }) => v.value)).toEqual([500, 503, 200, 404]);
  });

  it('takes the prefix as text: regex characters match only themselves', async () => {
    api = await apiWith(store());
    const dot = await api.get(`/api/values?field=path&prefix=${encodeURIComponent('/api/v1.')}`);
    expect(dot.body.values).toEqual([{ value: '/api/v1.0(x)', count: 5 }]);
    const paren = await api.get(`/api/values?field=path&prefix=${encodeURIComponent('/api/v1.0(')}`);
    expect(paren.body.values).toEqual([{ value: '/api/v1.0(x)', count: 5 }]);
    for (const text of ['a.b', '(x)', '[a-z]*', '^$', '\\d+', 'a|b', '{2}', '/?']) {
      expect(new RegExp(`^${regexLiteral(text)}$`).test(text), text).toBe(true);
    }
    expect(new RegExp(`^${regexLiteral('a.b')}`).test('axb')).toBe(false);
  });

  it('counts only the events the query and range match, up to the limit', async () => {
    api = await apiWith(store());
    const q = await api.get('/api/values?field=user&q=level:error');
    expect(q.body.values).toEqual([{ value: 'bob', count: 1 }]);
    const from = new Date((T0 + 100_000) / 1000).toISOString();
    const ranged = await api.get(`/api/values?field=user&prefix=a&from=${from}`);
    expect(ranged.body.values).toEqual([
      { value: 'Albert', count: 3 },
      { value: 'ALICE', count: 2 },
    ]);
    const one = await api.get('/api/values?field=user&limit=1');
    expect(one.body.values).toEqual([{ value: 'alice', count: 5 }]);
    const none = await api.get('/api/values?field=nosuchfield&prefix=a');
    expect(none.body.values).toEqual([]);
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    api = await apiWith(store());
    for (const [path, name] of [
      ['/api/values?prefix=a', 'field'],
      ['/api/values?field=a%20b', 'field'],
      ['/api/values?field=user&limit=0', 'limit'],
      ['/api/values?field=user&limit=1001', 'limit'],
      [`/api/values?field=user&prefix=${'x'.repeat(1001)}`, 'prefix'],
      ['/api/values?field=user&since=soon', 'since'],
      ['/api/values?field=ts&prefix=2026', 'field ts'],
    ]) {
      const { status, body } = await api.get(path);
      expect(status, path).toBe(400);
      expect(body.error.message, path).toContain(name);
    }
    const bad = await api.get('/api/values?field=user&q=%22open');
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('query');
  });
});
