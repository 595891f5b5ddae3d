import { describe, expect, it } from 'vitest';
import { jsonLevel, jsonTime, parseJson } from '../../../src/parser/formats/json.js';
import { UTC } from '../../../src/parser/timestamps/index.js';
import type { ParseContext } from '../../../src/parser/types.js';

const ctx: ParseContext = { zone: UTC, refMs: 0 };
const parse = (line: string) => parseJson(line, ctx);
const us = (iso: string) => Date.parse(iso) * 1000;

describe('json', () => {
  it('lifts the well-known keys and flattens the rest', () => {
    const line = JSON.stringify({
      timestamp: '2026-11-27T10:11:12.345678Z',
      level: 'ERROR',
      message: 'payment failed',
      service: 'billing',
      hostname: 'web-3',
      trace_id: 'abc123',
      latency_ms: 12.5,
      retry: false,
      http: { method: 'POST', status: 502, headers: { 'x-id': 'q' } },
      tags: ['a', 'b'],
      gone: null,
    });
    expect(parse(line)).toEqual({
      format: 'json',
      ts: us('2026-11-27T10:11:12.345Z') + 678,
      level: 'error',
      message: 'payment failed',
      service: 'billing',
      host: 'web-3',
      fields: {
        trace_id: 'abc123',
        latency_ms: 12.5,
        retry: false,
        'http.method': 'POST',
        'http.status': 502,
        'http.headers.x-id': 'q',
        tags: '["a","b"]',
      },
    });
  });

  it('takes the first time key in priority order, and leaves the others as fields', () => {
    const p = parse('{"date":"2020-01-01","time":"2026-01-01T00:00:00+02:00","msg":"x"}');
    expect(p?.ts).toBe(us('2025-12-31T22:00:00Z'));
    expect(p?.fields).toEqual({ date: '2020-01-01' });
  });

  it('reads epoch times in s, ms, µs and ns', () => {
    const base = us('2023-11-14T22:13:20Z');
    expect(parse('{"ts":1700000000}')?.ts).toBe(base);
    expect(parse('{"ts":1700000000.5}')?.ts).toBe(base + 500_000);
    expect(parse('{"t":1700000000123}')?.ts).toBe(base + 123_000);
    expect(parse('{"time":1700000000123456}')?.ts).toBe(base + 123_456);
    expect(parse('{"@timestamp":1700000000123456789}')?.ts).toBe(base + 123_457);
    expect(parse('{"ts":"1700000000"}')?.ts).toBe(base);
  });

  it('reads ISO stamps with any precision and offset', () => {
    expect(jsonTime('2026-11-27T10:11:12Z', UTC)).toBe(us('2026-11-27T10:11:12Z'));
    expect(jsonTime('2026-11-27T10:11:12.1-05:00', UTC)).toBe(us('2026-11-27T15:11:12.100Z'));
    expect(jsonTime('2026-11-27 10:11:12,123456789+0100', UTC)).toBe(us('2026-11-27T09:11:12.123Z') + 456);
    expect(jsonTime('2026-11-27T10:11:12', UTC)).toBe(us('2026-11-27T10:11:12Z'));
    expect(jsonTime('yesterday', UTC)).toBeNaN();
  });

  it('keeps an unusable time key as a field, leaving the time unset', () => {
    const p = parse('{"ts":"soon","msg":"x"}');
    expect(p?.ts).toBeNaN();
    expect(p?.fields).toEqual({ ts: 'soon' });
  });

  it('normalises odd levels and keeps the raw word when it differs', () => {
    expect(parse('{"level":"INFO"}')?.fields.level_raw).toBeUndefined();
    const warning = parse('{"severity":"Warning"}');
    expect(warning?.level).toBe('warn');
    expect(warning?.fields).toEqual({ level_raw: 'Warning' });
    expect(parse('{"lvl":"crit"}')?.level).toBe('fatal');
    expect(parse('{"loglevel":"whatever"}')?.level).toBe('unknown');
    expect(parse('{"level":"whatever"}')?.fields.level_raw).toBe('whatever');
    expect(jsonLevel(30)).toBe('info');
    expect(jsonLevel(50)).toBe('error');
    expect(jsonLevel(3)).toBe('error');
    expect(jsonLevel(42)).toBe('unknown');
    expect(jsonLevel(true)).toBe('unknown');
  });

  it('uses the line as message when it has none, and strings only for message/service/host', () => {
    const line = '{"message":{"text":"nested"},"service":42,"host":{"name":"h1"},"app":"shop"}';
    const p = parse(line);
    expect(p?.message).toBe(line);
    expect(p?.service).toBe('shop');
    expect(p?.host).toBeNull();
    expect(p?.fields).toEqual({ 'message.text': 'nested', service: 42, 'host.name': 'h1' });
  });

  it('keeps unicode and odd keys intact', () => {
    const p = parse('{"msg":"héllo → 世界 🚀","__proto__":"p","constructor":1}');
    expect(p?.message).toBe('héllo → 世界 🚀');
    expect(p?.fields.constructor).toBe(1);
    expect(Object.keys(p?.fields ?? {})).toContain('__proto__');
  });

  it('names nested keys the same however many distinct keys came before', () => {
    // Past the bound of remembered dotted keys (50,000) the memory starts over: names stay right.
    for (let i = 0; i < 60_000; i += 997) {
      const fields = parse(JSON.stringify({ msg: 'x', [`p${i}`]: { [`c${i}`]: i, d: { e: 'v' } } }))!.fields;
      expect(fields).toEqual({ [`p${i}.c${i}`]: i, [`p${i}.d.e`]: 'v' });
    }
    for (let i = 0; i < 60_000; i++) parse(`{"msg":"x","k${i}":{"c":1}}`);
    expect(parse('{"msg":"x","k7":{"c":1},"userIdentity":{"type":"IAMUser"}}')!.fields).toEqual({
      'k7.c': 1,
      'userIdentity.type': 'IAMUser',
    });
  });

  it('flattens very deep nesting only so far', () => {
    let v = '1';
    for (let i = 0; i < 40; i++) v = `{"k":${v}}`;
    const p = parse(v);
    const keys = Object.keys(p?.fields ?? {});
    expect(keys).toHaveLength(1);
    expect(typeof p?.fields[keys[0]]).toBe('string');
  });

  it("reads the journal's export, CloudTrail records and Docker's json-file lines", () => {
    const journal = parse(
      JSON.stringify({
        __REALTIME_TIMESTAMP: '1510000000123456',
        PRIORITY: '3',
        _HOSTNAME: 'web1',
        SYSLOG_IDENTIFIER: 'nginx',
        MESSAGE: "nginx.service: Failed with result 'exit-code'.",
        _PID: '1201',
      }),
    );
    expect(journal).toMatchObject({
      ts: 1510000000123456,
      level: 'error',
      host: 'web1',
      service: 'nginx',
      message: "nginx.service: Failed with result 'exit-code'.",
      fields: { _PID: '1201' },
    });
    const trail = parse('{"eventVersion":"1.05","eventTime":"2017-11-06T11:11:11Z","eventName":"GetObject"}');
    expect(trail).toMatchObject({
      ts: us('2017-11-06T11:11:11Z'),
      level: 'unknown',
      fields: { eventName: 'GetObject' },
    });
    const docker = parse(
      '{"log":"WARN  cache miss\\n","stream":"stderr","time":"2017-11-06T11:11:11.123456789Z"}',
    );
    expect(docker).toMatchObject({
      level: 'warn',
      message: 'WARN  cache miss',
      fields: { stream: 'stderr' },
    });
    expect(parse('{"log":"listening\\n","time":"2017-11-06T11:11:11Z"}')).toMatchObject({
      level: 'unknown',
      message: 'listening',
    });
  });

  it('rejects anything but a JSON object', () => {
    for (const line of ['', '[1,2]', '"x"', '42', '{bad json}', '{"a":1', 'null', 'plain text {}']) {
      expect(parse(line), line).toBeNull();
    }
  });

  it('accepts surrounding whitespace and CR', () => {
    expect(parse('  {"msg":"x"}\r')?.message).toBe('x');
  });
});
