import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stdinBatches } from '../../../src/collector/inputs/stdin.js';
import type { Batch, RawEvent } from '../../../src/core/events.js';

describe('stdin input', () => {
  it('emits lines with offsets, one generation per stream, the last unterminated line too', async () => {
    const stream = Readable.from([Buffer.from('a\nb'), Buffer.from('b\r\n'), Buffer.from('tail')]);
    const events: RawEvent[] = [];
    for await (const b of stdinBatches({ stream, service: 'svc', maxLineBytes: 100 })) {
      events.push(...b.events);
      b.ack();
    }
    expect(events.map((e) => [e.line, e.offset])).toEqual([
      ['a', 0],
      ['bb', 2],
      ['tail', 6],
    ]);
    expect(events.every((e) => e.source === 'stdin' && e.service === 'svc')).toBe(true);
    expect(new Set(events.map((e) => e.generation)).size).toBe(1);
  });

  it('flags cut lines and pauses at maxBatchesInFlight', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => (i === 3 ? 'y'.repeat(50) : `l${i}`)).join('\n');
    const it = stdinBatches({
      stream: Readable.from([Buffer.from(`${lines}\n`)]),
      maxLineBytes: 10,
      maxBatchLines: 10,
      maxBatchesInFlight: 2,
    });
    const held: Batch<RawEvent>[] = [];
    held.push((await it.next()).value as Batch<RawEvent>);
    held.push((await it.next()).value as Batch<RawEvent>);
    expect(held[0].events[3]).toMatchObject({ line: 'y'.repeat(10), truncated: true });
    const third = it.next();
    const raced = await Promise.race([
      third.then(() => 'read'),
      new Promise((r) => setTimeout(() => r('blocked'), 100)),
    ]);
    expect(raced).toBe('blocked');
    held[0].ack();
    expect(((await third).value as Batch<RawEvent>).events[0].line).toBe('l20');
  });
});
