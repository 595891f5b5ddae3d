import { describe, expect, it } from 'vitest';
import { freePorts } from '../../src/cli/up.js';

describe('logpipe up: ports for its children', () => {
  it('chooses distinct ports, every one free to bind', async () => {
    for (let round = 0; round < 5; round++) {
      const ports = await freePorts(40);
      expect(new Set(ports).size).toBe(40);
      for (const p of ports) expect(p).toBeGreaterThan(0);
    }
  });
});
