import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/generator/prng.js';
import { createScene, drawStatus, hexId, renderTemplate } from '../../src/generator/scene.js';
import { draw } from '../../src/generator/weighted.js';

describe('scene', () => {
  it('is the same for the same seed', () => {
    const a = createScene(3);
    const b = createScene(3);
    expect(a.ips).toEqual(b.ips);
    expect(a.userIds).toEqual(b.userIds);
    expect(createScene(4).ips).not.toEqual(a.ips);
  });

  it('has public-looking, distinct client addresses', () => {
    const s = createScene(1);
    expect(new Set(s.ips).size).toBe(s.ips.length);
    for (const ip of s.ips) {
      const first = Number(ip.split('.')[0]);
      expect([0, 10, 127].includes(first) || first >= 224).toBe(false);
    }
  });

  it('draws statuses from the configured class mix', () => {
    const s = createScene(1, { statusWeights: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 1 } });
    const r = createRng(1);
    for (let i = 0; i < 1000; i++) expect(drawStatus(s, r)).toBeGreaterThanOrEqual(500);
  });

  it('has spike tables with more errors', () => {
    const s = createScene(1, { spikeFactor: 10 });
    const r = createRng(2);
    let base = 0;
    let spike = 0;
    for (let i = 0; i < 20_000; i++) {
      if (draw(s.baseLevelW, r) === 3) base++;
      if (draw(s.spikeLevelW, r) === 3) spike++;
    }
    expect(base / 20_000).toBeCloseTo(0.05, 1);
    expect(spike / 20_000).toBeGreaterThan(0.3);
  });

  it('renders ids and templates', () => {
    const r = createRng(1);
    expect(hexId(r, 4)).toMatch(/^[0-9a-f]{32}$/);
    expect(hexId(r, 2)).toMatch(/^[0-9a-f]{16}$/);
    expect(renderTemplate({ a: 'n=', b: '!', max: 10 }, r)).toMatch(/^n=\d!$/);
    expect(renderTemplate({ a: 'fixed', b: '', max: 0 }, r)).toBe('fixed');
  });
});
