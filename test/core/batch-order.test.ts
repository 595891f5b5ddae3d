import { describe, expect, it } from 'vitest';
import { AFTER_HEADER, decodeAfter, encodeAfter, sendOrder } from '../../src/core/batch-order.js';
import type { RawEvent } from '../../src/core/events.js';

const raw = (source: string, offset: number, generation = 'g1'): RawEvent => ({
  source,
  generation,
  offset,
  line: 'x',
  received_at: 0,
});

describe('batch order', () => {
  it('names, per source, the last event sent before each batch', () => {
    const order = sendOrder();
    expect(order.next([raw('/a', 0), raw('/a', 10)])).toEqual([]);
    expect(order.next([raw('/a', 20), raw('/b', 0), raw('/a', 30)])).toEqual([['/a', 'g1', 10]]);
    expect(order.next([raw('/b', 5), raw('/a', 40)])).toEqual([
      ['/b', 'g1', 0],
      ['/a', 'g1', 30],
    ]);
    // A new generation of a source is a pair of its own; events without one need no order.
    expect(order.next([raw('/a', 0, 'g2'), raw('/c', 0, '')])).toEqual([]);
    order.reset();
    expect(order.next([raw('/a', 50)])).toEqual([]);
  });

  it('travels in a header and back, and names what is wrong with a bad one', () => {
    const after: [string, string, number][] = [['/var/log/a b,"c".log', 'g-1', 123]];
    expect(decodeAfter(encodeAfter(after))).toEqual(after);
    expect(encodeAfter([])).toBeNull();
    expect(decodeAfter(undefined)).toEqual([]);
    expect(() => decodeAfter('%E0%A4%A')).toThrow(`${AFTER_HEADER} is not URI-encoded JSON`);
    expect(() => decodeAfter(encodeURIComponent('[["a", "g", -1]]'))).toThrow('[source, generation, offset]');
    expect(() => decodeAfter(encodeURIComponent('{"a": 1}'))).toThrow('[source, generation, offset]');
  });
});
