import { describe, expect, it } from 'vitest';
import { formatMicros } from '../../../src/core/time.js';
import { json } from '../../../src/generator/formats/json.js';
import { renderMany, share } from '../helpers.js';

const KEYS = ['ts', 'level', 'service', 'host', 'message', 'trace_id', 'span_id', 'latency_ms', 'user_id'];
const REQUEST_KEYS = [...KEYS, 'method', 'path', 'status'];

describe('json', () => {
  const records = renderMany(json, 20_000, { stepUs: 1_337 });
  const parsed = records.map((r) => ({ ...r, o: JSON.parse(r.text) as Record<string, unknown> }));

  it('writes one flat JSON object per line with the documented keys, in order', () => {
    for (const { text, o } of parsed) {
      expect(text).not.toContain('\n');
      expect(Object.keys(o)).toEqual('method' in o ? REQUEST_KEYS : KEYS);
    }
  });

  it('carries the event time in ISO 8601 with microseconds', () => {
    for (const { tsUs, o } of parsed) expect(o.ts).toBe(formatMicros(tsUs));
  });

  it('types and shapes every field', () => {
    for (const { o } of parsed.slice(0, 3000)) {
      expect(o.level).toMatch(/^(DEBUG|INFO|WARN|ERROR)$/);
      expect(o.service).toMatch(/^[a-z-]+$/);
      expect(o.host).toBe(`${o.service}-${(o.host as string).split('-').pop()}`);
      expect(o.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(o.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(typeof o.latency_ms).toBe('number');
      expect(o.latency_ms as number).toBeGreaterThan(0);
      expect(o.user_id).toMatch(/^u_\d{5}$/);
      expect(typeof o.message).toBe('string');
    }
  });

  it('uses the default level mix: INFO 70 %, WARN 20 %, ERROR 5 %, DEBUG 5 %', () => {
    const lv = (l: string) => share(parsed, (p) => p.o.level === l);
    expect(lv('INFO')).toBeCloseTo(0.7, 1);
    expect(lv('WARN')).toBeCloseTo(0.2, 1);
    expect(Math.abs(lv('ERROR') - 0.05)).toBeLessThan(0.01);
    expect(Math.abs(lv('DEBUG') - 0.05)).toBeLessThan(0.01);
  });

  it('gives request lines a status that agrees with their level, and a matching message', () => {
    const requests = parsed.filter((p) => 'status' in p.o);
    expect(requests.length / parsed.length).toBeGreaterThan(0.4);
    for (const { o } of requests) {
      const status = o.status as number;
      if (o.level === 'INFO') expect(status).toBeLessThan(400);
      if (o.level === 'WARN') expect(Math.floor(status / 100)).toBe(4);
      if (o.level === 'ERROR') expect(Math.floor(status / 100)).toBe(5);
      expect(o.level).not.toBe('DEBUG');
      const m = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*) (\d{3}) in (\d+\.\d)ms$/.exec(o.message as string);
      expect([m?.[1], m?.[2], Number(m?.[3]), Number(m?.[4])]).toEqual([
        o.method,
        o.path,
        status,
        o.latency_ms,
      ]);
    }
  });

  it('has a long tail of latencies', () => {
    const lat = parsed.map((p) => p.o.latency_ms as number).sort((a, b) => a - b);
    const p50 = lat[Math.floor(lat.length * 0.5)];
    const p99 = lat[Math.floor(lat.length * 0.99)];
    expect(p50).toBeGreaterThan(5);
    expect(p50).toBeLessThan(100);
    expect(p99 / p50).toBeGreaterThan(10);
  });

  it('honours configured level weights', () => {
    const only = renderMany(json, 2000, {
      scene: { levelWeights: { debug: 0, info: 0, warn: 0, error: 1 } },
    });
    for (const r of only) expect(JSON.parse(r.text).level).toBe('ERROR');
  });
});
