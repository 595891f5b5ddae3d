import { describe, expect, it } from 'vitest';
import { lineChecksum } from '../../src/generator/manifest.js';
import type { Sink } from '../../src/generator/sink.js';
import {
  NOISE_BLANK,
  NOISE_INVALID_UTF8,
  NOISE_NONE,
  NOISE_OVERLONG,
  Target,
  type TargetOptions,
} from '../../src/generator/target.js';

function memorySink(): Sink & { chunks: Buffer[]; ends: (readonly number[] | undefined)[] } {
  const chunks: Buffer[] = [];
  const ends: (readonly number[] | undefined)[] = [];
  return {
    chunks,
    ends,
    broken: false,
    write(c, e) {
      chunks.push(Buffer.from(c));
      ends.push(e ? [...e] : undefined);
      return true;
    },
    drain: async () => {},
    close: async () => {},
  };
}

const BASE: TargetOptions = { ascii: true, framing: 'newline', hashing: true, overlongBytes: 100 };

describe('Target', () => {
  it('writes newline-framed records and counts them', async () => {
    const sink = memorySink();
    const t = new Target('x', sink, BASE);
    t.add('one', NOISE_NONE);
    t.add('two\n  trace', NOISE_NONE);
    await t.close();
    expect(Buffer.concat(sink.chunks).toString()).toBe('one\ntwo\n  trace\n');
    const s = t.stats();
    expect([s.lines, s.bytes, s.multiline]).toEqual([2, 16, 1]);
    expect(s.checksum).toBe(lineChecksum(['one', 'two\n  trace']));
  });

  it('frames syslog over TCP by octet counting (RFC 6587)', async () => {
    const sink = memorySink();
    const t = new Target('x', sink, { ...BASE, framing: 'octet-counting', ascii: false });
    t.add('<14>1 - a', NOISE_NONE);
    t.add('ünï', NOISE_NONE);
    await t.close();
    expect(Buffer.concat(sink.chunks).toString()).toBe('9 <14>1 - a5 ünï');
    expect(t.stats().checksum).toBe(lineChecksum(['<14>1 - a', 'ünï']));
  });

  it('gives datagram sinks the end of every record', async () => {
    const sink = memorySink();
    const t = new Target('x', sink, { ...BASE, framing: 'datagram' });
    t.add('ab', NOISE_NONE);
    t.add('cde', NOISE_NONE);
    t.flush();
    expect(sink.ends[0]).toEqual([2, 5]);
  });

  it('writes noise variants and accounts for them apart', async () => {
    const sink = memorySink();
    const t = new Target('x', sink, BASE);
    const rec = 'a normal record that is long enough to be cut';
    t.add(rec, NOISE_BLANK);
    t.add(rec, NOISE_OVERLONG);
    t.add(rec, NOISE_INVALID_UTF8);
    t.add(rec, NOISE_NONE);
    await t.close();
    const lines = Buffer.concat(sink.chunks).toString('latin1').split('\n');
    expect(lines[0]).toBe('');
    expect(lines[1].length).toBe(100);
    expect(lines[1].startsWith(`${rec} x`)).toBe(true);
    const invalid = Buffer.from(lines[2], 'latin1');
    expect(invalid.toString('utf8')).toContain('\ufffd');
    expect(Buffer.from(invalid.toString('utf8')).equals(invalid)).toBe(false);
    const s = t.stats();
    expect(s.noise).toMatchObject({ lines: 3, blank: 1, overlong: 1, invalid_utf8: 1 });
    const raw = Buffer.concat(sink.chunks);
    const parts: Buffer[] = [];
    for (let start = 0, i = raw.indexOf(10); i !== -1; start = i + 1, i = raw.indexOf(10, start)) {
      parts.push(raw.subarray(start, i));
    }
    expect(s.checksum).toBe(lineChecksum(parts));
    expect(s.noise.checksum).toBe(lineChecksum(parts.slice(0, 3)));
  });

  it('asks for rotation before the record that would exceed the lines limit', () => {
    const t = new Target('x', memorySink(), { ...BASE, rotation: { maxLines: 2, mode: 'rename', keep: 1 } });
    expect(t.rotationDueBefore(0)).toBe(false);
    t.add('a', 0);
    expect(t.rotationDueBefore(0)).toBe(false);
    t.add('b', 0);
    expect(t.rotationDueBefore(0)).toBe(true);
  });

  it('asks for rotation when event time enters a new interval', () => {
    const t = new Target('x', memorySink(), {
      ...BASE,
      rotation: { intervalMs: 60_000, mode: 'rename', keep: 1 },
    });
    const min = 60_000_000;
    expect(t.rotationDueBefore(5 * min + 1)).toBe(false);
    t.add('a', 0);
    expect(t.rotationDueBefore(5 * min + 59_000_000)).toBe(false);
    expect(t.rotationDueBefore(6 * min)).toBe(true);
  });
});
