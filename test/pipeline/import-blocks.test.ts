import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { compileMultiline, flushJoiner, joinLine, newJoiner } from '../../src/collector/index.js';
import type { RawEvent } from '../../src/core/events.js';
import { blockEvents, recycleBlock } from '../../src/core/line-block.js';
import { readLineBatches } from '../../src/core/lines.js';
import { readBlocks } from '../../src/pipeline/import-blocks.js';

const STAMP = { source: '/var/log/app.log', generation: 'g1', received_at: 1_700_000_000_000 };

/** The events an import makes of `text` the way lines are read on strings (the inline import). */
async function onStrings(
  chunks: Buffer[],
  mode: 'auto' | 'off' | 'pattern',
  max: number,
): Promise<RawEvent[]> {
  const rule = mode === 'off' ? null : multiline(mode);
  const joiner = rule ? newJoiner(rule.rule, rule.maxLines, max) : null;
  const out: RawEvent[] = [];
  for await (const b of readLineBatches(Readable.from(chunks), { maxLineBytes: max })) {
    let t = 0;
    for (let i = 0; i < b.lines.length; i++) {
      const truncated = t < b.truncated.length && b.truncated[t] === i;
      if (truncated) t++;
      const ev: RawEvent = {
        ...STAMP,
        offset: b.offsets[i],
        line: b.lines[i],
        ...(truncated ? { truncated } : {}),
      };
      if (joiner) joinLine(joiner, ev, out, 0);
      else out.push(ev);
    }
  }
  if (joiner) flushJoiner(joiner, out);
  return out;
}

/** The events of the blocks readBlocks hands on (as a worker decodes them), in order. */
async function asBlocks(
  chunks: Buffer[],
  mode: 'auto' | 'off' | 'pattern',
  max: number,
): Promise<{ events: RawEvent[]; blocks: number; lines: number }> {
  const rule = mode === 'off' ? null : multiline(mode);
  const joiner = rule ? newJoiner(rule.rule, rule.maxLines, max) : null;
  const events: RawEvent[] = [];
  let blocks = 0;
  let lines = 0;
  await readBlocks(
    Readable.from(chunks),
    STAMP,
    max,
    joiner ? { joiner, byFirstByte: mode === 'auto' } : null,
    {
      block: async (b) => {
        blocks++;
        events.push(...blockEvents(b));
        recycleBlock(b);
      },
      events: async (raws) => {
        events.push(...raws);
      },
    },
    (n) => {
      lines += n;
    },
  );
  if (joiner) flushJoiner(joiner, events);
  return { events, blocks, lines };
}

function multiline(mode: 'auto' | 'pattern') {
  return compileMultiline(mode === 'auto' ? { mode } : { mode: 'pattern', start: '^\\d{4}-' });
}

/** `text` cut into chunks of `size` bytes, as a stream hands them on. */
function chunked(text: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.subarray(i, i + size));
  return out;
}

/** 20,000 lines, mostly starting with a digit, with traces here and there and at block edges. */
function mixedLog(): Buffer {
  const lines: string[] = [];
  for (let n = 0; n < 20_000; n++)
    lines.push(`2024-03-10 12:00:${String(n % 60).padStart(2, '0')},000 INFO request ${n} é`);
  // A trace continuing the last line of the first block (8,192 lines), one in the middle of a
  // block, a Python traceback, an empty line, bracketed and over-long lines, CRLF.
  lines[8192] = '\tat com.example.Boundary.run(Boundary.java:12)';
  lines[8193] = 'Caused by: java.io.IOException: closed';
  lines[12_000] = 'java.lang.IllegalStateException: bad state';
  lines[12_001] = '\t... 3 more';
  lines[14_000] = 'Traceback (most recent call last):';
  lines[14_001] = '  File "app.py", line 3, in <module>';
  lines[14_002] = 'ValueError: nope';
  lines[15_000] = '';
  lines[16_000] = `[2024-03-10 12:00:00] WARN ${'x'.repeat(500)}`;
  lines[16_383] = '2024-03-10 12:00:00,000 ERROR the last line of the second block';
  const text = `${lines.slice(0, 10_000).join('\r\n')}\n${lines.slice(10_000).join('\n')}\nno newline at the end`;
  return Buffer.from(text);
}

describe('import blocks', () => {
  for (const mode of ['auto', 'off', 'pattern'] as const) {
    it(`make the same events as lines read on strings (multiline ${mode})`, async () => {
      const text = mixedLog();
      for (const size of [1 << 20, 65_536, 4_099]) {
        const want = await onStrings(chunked(text, size), mode, 300);
        const got = await asBlocks(chunked(text, size), mode, 300);
        expect(got.events).toEqual(want);
        expect(got.lines).toBe(20_001);
      }
    });
  }

  it('hands on whole blocks where no line can continue an event, and joins across their edges', async () => {
    const text = mixedLog();
    const got = await asBlocks([text], 'auto', 300);
    // The first block goes whole but for its last line, which the second block's first continues.
    expect(got.blocks).toBeGreaterThan(0);
    const joined = got.events.find((e) => e.line.includes('Boundary.run'));
    expect(joined?.line).toBe(
      '2024-03-10 12:00:31,000 INFO request 8191 é\n\tat com.example.Boundary.run(Boundary.java:12)\nCaused by: java.io.IOException: closed',
    );
    expect(got.events.filter((e) => e.truncated).map((e) => e.line.length)).toEqual([300]);
  });
});
