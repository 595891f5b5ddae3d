/**
 * Line blocks: a batch of them decodes its events once, then lets its memory serve the next
 * block, and a recycled block refuses to make events rather than read reused memory.
 */
import { describe, expect, it } from 'vitest';
import { newScanState, scanLines } from '../../src/collector/line-scanner.js';
import { blockBatch, blockEvents, newLineBlock, recycleBlock } from '../../src/core/line-block.js';

const stamp = { source: 'a.log', generation: 'g', received_at: 1 };

function filled(text: string) {
  const block = newLineBlock(stamp, 1, 1);
  const bytes = Buffer.from(text);
  scanLines(newScanState(0), bytes, 0, bytes.length, 0, 1000, block, 100);
  return block;
}

describe('line blocks', () => {
  it('decode a batch once, then serve the next block with its memory', () => {
    const block = filled('one\ntwo\n');
    const memory = block.bytes;
    const batch = blockBatch(block, () => {});
    expect(batch.lines).toBe(block);
    const events = batch.events;
    expect(events.map((e) => [e.line, e.offset])).toEqual([
      ['one', 0],
      ['two', 4],
    ]);
    expect(batch.lines).toBeUndefined();
    expect(batch.events).toBe(events);
    expect(() => blockEvents(block)).toThrow(/buffers reused/);
    const next = newLineBlock(stamp, 1, 1);
    expect(next.bytes).toBe(memory);
    expect(next.used).toBe(0);
    expect(next.count).toBe(0);
  });

  it('recycle a block once only, and never hand its memory out twice', () => {
    const a = filled('x\n');
    recycleBlock(a);
    recycleBlock(a);
    const b = newLineBlock(stamp, 1, 1);
    const c = newLineBlock(stamp, 1, 1);
    expect(b.bytes).not.toBe(c.bytes);
  });
});
