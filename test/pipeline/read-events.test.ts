import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { LogEvent } from '../../src/core/events.js';
import { encodeRawEvent, streamHeader } from '../../src/core/ndjson.js';
import { readEventBatches, type StdinEventsOptions } from '../../src/pipeline/read-events.js';

async function read(text: string, opts: Partial<StdinEventsOptions> = {}): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  for await (const b of readEventBatches(Readable.from([Buffer.from(text)]), { input: 'auto', ...opts })) {
    out.push(...b);
  }
  return out;
}

const raw = (offset: number, line: string) =>
  encodeRawEvent({ source: 's', generation: 'g', offset, line, received_at: 0 });

describe('readEventBatches limits (issue #27)', () => {
  it('takes collector NDJSON carrying a line at the plain limit, escaped sixfold, whole', async () => {
    const line = '\u0001'.repeat(100);
    const events = await read(`${streamHeader('raw-events')}\n${raw(0, line)}\n`, { maxLineBytes: 100 });
    expect(events.map((e) => e.raw)).toEqual([line]);
  });

  it('cuts plain lines at the plain limit and flags them', async () => {
    const events = await read(`${'p'.repeat(300)}\nshort\n`, { maxLineBytes: 100 });
    expect(events.map((e) => e.raw.length)).toEqual([100, 5]);
  });

  it('reports an NDJSON record over its limit by line number and leaves it out', async () => {
    const tooLong: number[] = [];
    const big = 'x'.repeat(200_000);
    const text = `${streamHeader('raw-events')}\n${raw(0, 'a')}\n${raw(1, big)}\n${raw(2, 'c')}\n`;
    const events = await read(text, { maxLineBytes: 10, onTooLong: (n) => tooLong.push(n) });
    expect(events.map((e) => e.raw)).toEqual(['a', 'c']);
    expect(tooLong).toEqual([3]);
    await expect(read(text, { maxLineBytes: 10, source: 'f.ndjson' })).rejects.toThrow(
      new UsageError(
        'f.ndjson line 3: an NDJSON record longer than 65716 bytes, the most an event with a line of 10 bytes takes',
      ),
    );
  });
});
