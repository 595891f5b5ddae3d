import { describe, expect, it } from 'vitest';
import { DEBUG, drawAppEvent, ERROR, INFO, newAppEvent, WARN } from '../../src/generator/app-event.js';
import { createRng } from '../../src/generator/prng.js';
import { createScene } from '../../src/generator/scene.js';

describe('app event', () => {
  it('draws events whose request status agrees with the level', () => {
    const scene = createScene(1);
    const r = createRng(1);
    const e = newAppEvent();
    let requests = 0;
    for (let i = 0; i < 10_000; i++) {
      drawAppEvent(scene, r, e);
      expect(e.host.startsWith(e.service)).toBe(true);
      if (!e.status) continue;
      requests++;
      expect(e.level).not.toBe(DEBUG);
      if (e.level === INFO) expect(e.status).toBeLessThan(400);
      if (e.level === WARN) expect(Math.floor(e.status / 100)).toBe(4);
      if (e.level === ERROR) expect(Math.floor(e.status / 100)).toBe(5);
      expect(e.message).toBe(`${e.method} ${e.path} ${e.status} in ${e.latencyText}ms`);
    }
    expect(requests / 10_000).toBeGreaterThan(0.45);
  });

  it('clears request fields on non-request events', () => {
    const scene = createScene(1, { levelWeights: { debug: 1, info: 0, warn: 0, error: 0 } });
    const e = newAppEvent();
    e.status = 200;
    drawAppEvent(scene, createRng(1), e);
    expect([e.status, e.method, e.path]).toEqual([0, '', '']);
  });
});
