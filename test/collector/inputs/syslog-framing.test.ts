import { describe, expect, it } from 'vitest';
import { endFrames, newFrameState, readFrames } from '../../../src/collector/inputs/syslog-framing.js';

function frames(chunks: string[], max = 1000): Array<[string, boolean]> {
  const st = newFrameState();
  const out: Array<[string, boolean]> = [];
  for (const c of chunks)
    readFrames(st, Buffer.from(c), max, (b, s, e, t) => out.push([b.toString('utf8', s, e), t]));
  return out;
}

describe('RFC 6587 framing', () => {
  it('reads newline-framed messages split anywhere, with CRLF and NUL trailers', () => {
    expect(
      frames([
        '<34>Oct 11 22:14:15 host su: a\n<13>1 2026-11',
        '-27T12:00:00Z h app - - - b\r\n',
        '<1>c\n\u0000',
      ]),
    ).toEqual([
      ['<34>Oct 11 22:14:15 host su: a', false],
      ['<13>1 2026-11-27T12:00:00Z h app - - - b', false],
      ['<1>c', false],
    ]);
  });

  it('reads octet-counted messages, which may contain newlines, split anywhere', () => {
    const m1 = '<13>1 - h a - - - one\ntwo';
    const m2 = '<13>1 - h a - - - three';
    const wire = `${m1.length} ${m1}${m2.length} ${m2}`;
    for (let cut = 0; cut <= wire.length; cut++) {
      expect(frames([wire.slice(0, cut), wire.slice(cut)])).toEqual([
        [m1, false],
        [m2, false],
      ]);
    }
  });

  it('mixes framings per message and cuts over-long ones, skipping their rest', () => {
    const long = 'x'.repeat(30);
    expect(frames([`${long.length} ${long}<1>ok\n`, `<2>${long}\n<3>after\n`], 10)).toEqual([
      ['xxxxxxxxxx', true],
      ['<1>ok', false],
      ['<2>xxxxxxx', true],
      ['<3>after', false],
    ]);
  });

  it('joins a long unfinished frame once, not on every chunk (linear in its length)', () => {
    const st = newFrameState();
    const out: number[] = [];
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const started = performance.now();
    for (let i = 0; i < 512; i++) readFrames(st, chunk, 64 * 1024 * 1024, (_b, s, e) => out.push(e - s));
    readFrames(st, Buffer.from('\n'), 64 * 1024 * 1024, (_b, s, e) => out.push(e - s));
    expect(out).toEqual([512 * 64 * 1024]);
    // Joined per chunk, 32 MiB in 64 KiB pieces copies about 8 GiB: seconds, not milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('hands out what is left when the connection ends: a last line, or a short octet frame as text', () => {
    const run = (wire: string) => {
      const st = newFrameState();
      const out: Array<[string, boolean]> = [];
      const sink = (b: Buffer, s: number, e: number, t: boolean) => out.push([b.toString('utf8', s, e), t]);
      readFrames(st, Buffer.from(wire), 1000, sink);
      return { out, short: endFrames(st, 1000, sink), again: endFrames(st, 1000, sink) };
    };
    expect(run('<1>a\n<2>no newline\r')).toEqual({
      out: [
        ['<1>a', false],
        ['<2>no newline', false],
      ],
      short: null,
      again: null,
    });
    expect(run('5 <1>ok12 <2>sh')).toEqual({
      out: [
        ['<1>ok', false],
        ['12 <2>sh', false],
      ],
      short: { received: 5, declared: 12 },
      again: null,
    });
    expect(run('2024')).toEqual({ out: [['2024', false]], short: null, again: null });
    expect(run('<1>done\n')).toEqual({ out: [['<1>done', false]], short: null, again: null });
  });

  it('reads a count with a leading zero (not an RFC 6587 length) as the start of a newline-framed message', () => {
    expect(frames(['0 <1>a\n', '07 <1>b\n', '6 <1>ccc'])).toEqual([
      ['0 <1>a', false],
      ['07 <1>b', false],
      ['<1>ccc', false],
    ]);
  });
});
