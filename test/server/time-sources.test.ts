import { describe, expect, it } from 'vitest';
import { timeSourcesOf } from '../../src/server/query-service.js';

describe('timeSourcesOf', () => {
  it('reads the counts by ts_source, whether the engine gives the value as text or JSON text', () => {
    expect(
      timeSourcesOf([
        { ts_source: 'received', count: 3 },
        { ts_source: '"previous"', count: 2n },
        { ts_source: 'other', count: 9 },
      ]),
    ).toEqual({ received: 3, previous: 2 });
    expect(timeSourcesOf([])).toEqual({ received: 0, previous: 0 });
  });
});
