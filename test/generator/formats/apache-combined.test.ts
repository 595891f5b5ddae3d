import { describe, expect, it } from 'vitest';
import { MONTHS } from '../../../src/core/civil-time.js';
import { apacheCombined } from '../../../src/generator/formats/apache-combined.js';
import { renderMany, share } from '../helpers.js';

const LINE =
  /^(\d{1,3}(?:\.\d{1,3}){3}) - (-|[a-z]+) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\] "(GET|POST|PUT|PATCH|DELETE) (\/[^ "]*) HTTP\/1\.1" (\d{3}) (\d+|-) "([^"]*)" "([^"]+)"$/;

describe('apache_combined', () => {
  const records = renderMany(apacheCombined, 20_000);
  const parsed = records.map((r) => ({ ...r, m: LINE.exec(r.text) }));

  it('writes every line in the Combined Log Format', () => {
    const bad = parsed.filter((p) => !p.m).map((p) => p.text);
    expect(bad).toEqual([]);
  });

  it('stamps each line with its event time to the second', () => {
    for (const { tsUs, m } of parsed.slice(0, 2000)) {
      const d = new Date(Math.floor(tsUs / 1000));
      const [, , , day, mon, year, hh, mm, ss] = m!;
      expect(Number(day)).toBe(d.getUTCDate());
      expect(MONTHS.indexOf(mon)).toBe(d.getUTCMonth());
      expect(Number(year)).toBe(d.getUTCFullYear());
      expect([Number(hh), Number(mm), Number(ss)]).toEqual([
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
      ]);
    }
  });

  it('has valid client addresses and a realistic status mix', () => {
    for (const { m } of parsed.slice(0, 2000)) {
      for (const octet of m![1].split('.')) expect(Number(octet)).toBeLessThanOrEqual(255);
    }
    const status = (p: (typeof parsed)[number]) => Number(p.m![11]);
    expect(share(parsed, (p) => status(p) < 400)).toBeGreaterThan(0.9);
    expect(share(parsed, (p) => status(p) >= 400 && status(p) < 500)).toBeGreaterThan(0.02);
    expect(share(parsed, (p) => status(p) >= 400 && status(p) < 500)).toBeLessThan(0.08);
    expect(share(parsed, (p) => status(p) >= 500)).toBeGreaterThan(0.005);
    expect(share(parsed, (p) => status(p) >= 500)).toBeLessThan(0.04);
  });

  it('skews path popularity (a few paths take most requests)', () => {
    const counts = new Map<string, number>();
    for (const { m } of parsed) counts.set(m![10], (counts.get(m![10]) ?? 0) + 1);
    const top = [...counts.values()].sort((a, b) => b - a);
    expect(top[0] / parsed.length).toBeGreaterThan(0.1);
    expect(counts.size).toBeGreaterThan(1000); // ids make a long tail of distinct paths
  });

  it('varies clients, agents and referrers', () => {
    const uniq = (i: number) => new Set(parsed.map((p) => p.m![i])).size;
    expect(uniq(1)).toBeGreaterThan(500);
    expect(uniq(14)).toBeGreaterThan(8);
    expect(uniq(13)).toBeGreaterThan(5);
  });

  it('reports size - (CLF for no body) for 304 and 204 responses', () => {
    for (const { m } of parsed) if (m![11] === '304' || m![11] === '204') expect(m![12]).toBe('-');
  });
});
