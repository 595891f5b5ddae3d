/**
 * Raw lines on the wire (`logpipe collect` → parser or store): any lines (Unicode, embedded
 * newlines from multiline joins, empty ones) come back as they went, with their identity and
 * extras; a body that is not what it claims is refused naming what is wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import type { RawEvent } from '../../src/core/events.js';
import { decodeRawLines, encodeRawLines } from '../../src/core/raw-lines.js';

const rawEvent: fc.Arbitrary<RawEvent> = fc
  .record({
    source: fc.constantFrom('/var/log/a.log', '/var/log/b.log', 'syslog:udp:514'),
    generation: fc.constantFrom('fp1', 'fp2', ''),
    offset: fc.nat({ max: 2 ** 40 }),
    line: fc.string({ unit: 'grapheme', maxLength: 80 }),
    received_at: fc.integer({ min: 0, max: 2 ** 45 }),
    format: fc.option(fc.constantFrom('json', 'syslog_rfc5424'), { nil: undefined }),
    host: fc.option(fc.constantFrom('edge-1', 'ünï'), { nil: undefined }),
    service: fc.option(fc.constantFrom('web'), { nil: undefined }),
    truncated: fc.option(fc.constant(true as const), { nil: undefined }),
  })
  .map((e) => {
    // Absent extras are absent, as the collector leaves them.
    const out: RawEvent = {
      source: e.source,
      generation: e.generation,
      offset: e.offset,
      line: e.line,
      received_at: e.received_at,
    };
    if (e.format !== undefined) out.format = e.format;
    if (e.host !== undefined) out.host = e.host;
    if (e.service !== undefined) out.service = e.service;
    if (e.truncated !== undefined) out.truncated = e.truncated;
    return out;
  });

describe('raw lines on the wire', () => {
  it('give back the events that went in, at any alignment of the body', () => {
    fc.assert(
      fc.property(fc.array(rawEvent, { maxLength: 40 }), fc.nat({ max: 7 }), (events, shift) => {
        const body = encodeRawLines(events);
        const moved = Buffer.alloc(body.length + shift);
        body.copy(moved, shift);
        expect(decodeRawLines(moved.subarray(shift))).toEqual(events);
      }),
      { numRuns: 200 },
    );
    const joined: RawEvent = {
      source: 's',
      generation: 'g',
      offset: 7,
      line: 'Traceback:\n  at x\r\n  at y',
      received_at: 1,
    };
    expect(decodeRawLines(encodeRawLines([joined]))).toEqual([joined]);
  });

  it('carry the extras of a file’s lines once for the run, not once a line', () => {
    const hinted = (offset: number, line: string): RawEvent => ({
      source: '/var/log/a.log',
      generation: 'g',
      offset,
      line,
      received_at: 1,
      format: 'apache_combined',
      service: 'web',
    });
    const events = Array.from({ length: 1000 }, (_, i) => hinted(i * 10, `line ${i}`));
    events[500] = { ...events[500], truncated: true };
    const body = encodeRawLines(events);
    const header = JSON.parse(body.toString('utf8', 8, 8 + body.readUInt32LE(4)));
    expect(header.extras).toHaveLength(3);
    expect(decodeRawLines(body)).toEqual(events);
  });

  it('refuse a body that is not what it claims, naming what is wrong', () => {
    const events: RawEvent[] = [
      { source: 's', generation: 'g', offset: 0, line: 'first line', received_at: 1 },
      { source: 's', generation: 'g', offset: 11, line: 'second ✓', received_at: 1 },
    ];
    const good = encodeRawLines(events);
    const refuse = (b: Uint8Array, message: RegExp) => {
      expect(() => decodeRawLines(b)).toThrow(UserError);
      expect(() => decodeRawLines(b)).toThrow(message);
    };
    refuse(Buffer.from('{"$logpipe":"raw-events"}'), /does not start with LPL2/);
    refuse(good.subarray(0, 40), /runs past the body/);
    refuse(good.subarray(0, good.length - 3), /lengths add up|runs past the text/);
    refuse(Buffer.concat([good, Buffer.from('extra')]), /lengths add up to 18 of 23/);
    const hlen = good.readUInt32LE(4);
    const header = JSON.parse(good.toString('utf8', 8, 8 + hlen));
    const pad8 = (n: number) => (n + 7) & ~7;
    const withHeader = (h: object): Buffer => {
      // The same line table and text after another header, laid out as the encoder would.
      const json = Buffer.from(JSON.stringify(h));
      const head = Buffer.alloc(pad8(8 + json.length));
      head.write('LPL2', 0, 'latin1');
      head.writeUInt32LE(json.length, 4);
      json.copy(head, 8);
      return Buffer.concat([head, good.subarray(pad8(8 + hlen))]);
    };
    refuse(withHeader({ ...header, sources: [], generations: [] }), /line 0 names source 0/);
    refuse(withHeader({ ...header, sources: [1], generations: ['g'] }), /lists of strings/);
    refuse(withHeader({ ...header, n: -1 }), /line count -1/);
    refuse(withHeader({ ...header, extras: [[5, {}]] }), /extras must be/);
    refuse(
      withHeader({
        ...header,
        extras: [
          [1, null],
          [0, null],
        ],
      }),
      /runs, in order/,
    );
  });

  // Issue #27: every decoder checks everything before a line is kept.
  it('refuse text that is not UTF-8, lines that split a character, and receive times or extras out of range', () => {
    const refuse = (b: Uint8Array, message: RegExp) => {
      expect(() => decodeRawLines(b)).toThrow(UserError);
      expect(() => decodeRawLines(b)).toThrow(message);
    };
    const one = (e: Partial<RawEvent>): RawEvent => ({
      source: 's',
      generation: 'g',
      offset: 0,
      line: 'ünï ✓',
      received_at: 1,
      ...e,
    });
    const good = encodeRawLines([one({})]);
    const bad = Buffer.from(good);
    bad[bad.length - 1] = 0xff;
    refuse(bad, /the lines' text is not UTF-8/);
    // Two lines whose lengths cut a surrogate pair in two.
    const pair = encodeRawLines([one({ line: 'a\ud83d' }), one({ line: '\ude00b', offset: 1 })]);
    refuse(pair, /line 0 ends inside a character/);
    expect(decodeRawLines(encodeRawLines([one({ line: 'a\ud83d\ude00b' })]))[0].line).toBe('a\ud83d\ude00b');
    refuse(encodeRawLines([one({ received_at: -1 })]), /line 0: receive time -1/);
    refuse(encodeRawLines([one({ received_at: 1e300 })]), /receive time/);
    refuse(encodeRawLines([one({ host: 3 as unknown as string })]), /extras must be/);
    refuse(encodeRawLines([one({ truncated: 'yes' as unknown as boolean })]), /extras must be/);
    refuse(encodeRawLines([one({ source: 'a\ud800' })]), /without lone surrogates/);
  });
});
