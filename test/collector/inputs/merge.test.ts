import { describe, expect, it } from 'vitest';
import { mergeBatches } from '../../../src/collector/inputs/merge.js';
import type { Batch, RawEvent } from '../../../src/core/events.js';

function ev(source: string, offset: number): RawEvent {
  return { source, generation: 'g', offset, line: `${source}${offset}`, received_at: 0 };
}

async function* slow(source: string, n: number, ms: number): AsyncGenerator<Batch<RawEvent>> {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, ms));
    yield { events: [ev(source, i)], ack: () => {} };
  }
}

describe('mergeBatches', () => {
  it('hands out batches from every source as they come, until all finish', async () => {
    const lines: string[] = [];
    for await (const b of mergeBatches([slow('a', 3, 30), slow('b', 2, 5)])) lines.push(b.events[0].line);
    expect(lines.slice(0, 2)).toEqual(['b0', 'b1']);
    expect(lines.sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
  });
});
