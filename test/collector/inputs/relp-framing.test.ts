import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atFrameStart,
  encodeRelpFrame,
  newRelpFrameState,
  nextTxnr,
  readRelpFrames,
} from '../../../src/collector/inputs/relp-framing.js';

interface Read {
  frames: Array<{ txnr: number; command: string; data: string; truncated: boolean; declared: number }>;
  error: string | null;
}

function read(chunks: Array<string | Buffer>, max = 1000): Read {
  const st = newRelpFrameState();
  const frames: Read['frames'] = [];
  for (const c of chunks) {
    const error = readRelpFrames(st, Buffer.isBuffer(c) ? c : Buffer.from(c), max, (f) =>
      frames.push({
        txnr: f.txnr,
        command: f.command,
        data: f.data.toString('utf8'),
        truncated: f.truncated,
        declared: f.declared,
      }),
    );
    if (error !== null) return { frames, error };
  }
  return { frames, error: null };
}

describe('RELP framing', () => {
  it('reads the frames of a session, split at every byte', () => {
    const offers = 'relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog';
    const wire = `1 open ${offers.length} ${offers}\n2 syslog 23 <13>1 - h app - - - hé\n3 close 0\n`;
    const want = [
      {
        txnr: 1,
        command: 'open',
        data: offers,
        truncated: false,
        declared: offers.length,
      },
      { txnr: 2, command: 'syslog', data: '<13>1 - h app - - - hé', truncated: false, declared: 23 },
      { txnr: 3, command: 'close', data: '', truncated: false, declared: 0 },
    ];
    const bytes = Buffer.from(wire);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(read([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual({ frames: want, error: null });
    }
    expect(read([...bytes].map((b) => Buffer.from([b])))).toEqual({ frames: want, error: null });
  });

  it('keeps the first maxData bytes of a longer frame and skips the rest as it streams by', () => {
    const body = 'x'.repeat(100);
    const wire = `${encodeRelpFrame(1, 'syslog', body)}${encodeRelpFrame(2, 'syslog', 'ok')}`;
    const bytes = Buffer.from(wire);
    for (const size of [1, 7, 64, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(read(chunks, 10)).toEqual({
        frames: [
          { txnr: 1, command: 'syslog', data: 'x'.repeat(10), truncated: true, declared: 100 },
          { txnr: 2, command: 'syslog', data: 'ok', truncated: false, declared: 2 },
        ],
        error: null,
      });
    }
  });

  it('does not hold a frame that declares a huge length: memory stays at maxData', () => {
    const st = newRelpFrameState();
    let kept = -1;
    expect(readRelpFrames(st, Buffer.from('1 syslog 999999999 '), 16, () => {})).toBeNull();
    const chunk = Buffer.alloc(1 << 20, 'y');
    for (let i = 0; i < 8; i++) expect(readRelpFrames(st, chunk, 16, () => {})).toBeNull();
    expect(st.kept).toBe(16);
    expect(st.parts.reduce((n, p) => n + p.length, 0)).toBe(16);
    kept = st.remaining;
    expect(kept).toBe(999_999_999 - 8 * (1 << 20));
  });

  it('names what is wrong with a frame that breaks the protocol', () => {
    const cases: Array<[string, string]> = [
      ['x open 0\n', 'expected a digit of the transaction number, got "x"'],
      ['1234567890 open 0\n', 'transaction number longer than 9 digits'],
      ['1\topen 0\n', 'expected a space after the transaction number, got byte 0x09'],
      ['1 op3n 0\n', 'expected a letter of the command or a space, got "3"'],
      [`1 ${'a'.repeat(33)} 0\n`, 'command longer than 32 letters'],
      ['1 syslog -1\n', 'expected a digit of the data length, got "-"'],
      ['1 syslog 1234567890 x\n', 'data length longer than 9 digits'],
      ['1 syslog 3xabc\n', 'expected a space after the data length, got "x"'],
      ['1 syslog 3 abcd\n', 'expected LF after 3 bytes of data, got "d"'],
      ['1 close 0 \n', 'expected LF after 0 bytes of data, got byte 0x20'],
      ['GET / HTTP/1.1\r\n', 'expected a digit of the transaction number, got "G"'],
    ];
    for (const [wire, error] of cases) expect(read([wire]).error, wire).toBe(error);
  });

  it('writes frames as librelp reads them, and wraps transaction numbers', () => {
    expect(encodeRelpFrame(7, 'rsp', '200 OK')).toBe('7 rsp 6 200 OK\n');
    expect(encodeRelpFrame(0, 'serverclose')).toBe('0 serverclose 0\n');
    expect(encodeRelpFrame(2, 'rsp', 'é')).toBe('2 rsp 2 é\n');
    expect(nextTxnr(1)).toBe(2);
    expect(nextTxnr(999_999_999)).toBe(1);
  });

  it('fuzz: any bytes, cut anywhere, give frames within their bounds or one error, never a throw', () => {
    const frame = fc
      .record({
        txnr: fc.integer({ min: 0, max: 999_999_999 }),
        command: fc.constantFrom('open', 'syslog', 'close', 'rsp', 'x'),
        data: fc.uint8Array({ maxLength: 300 }),
      })
      .map(({ txnr, command, data }) => {
        const head = Buffer.from(
          data.length === 0 ? `${txnr} ${command} 0` : `${txnr} ${command} ${data.length} `,
        );
        return Buffer.concat([head, Buffer.from(data), Buffer.from('\n')]);
      });
    // Well-formed frames, random bytes, and well-formed frames with bytes flipped.
    const stream = fc.oneof(
      fc.array(frame, { maxLength: 8 }).map((fs) => Buffer.concat(fs)),
      fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
      fc
        .tuple(fc.array(frame, { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
        .map(([fs, at, b]) => {
          const buf = Buffer.concat(fs);
          buf[at % buf.length] = b;
          return buf;
        }),
    );
    fc.assert(
      fc.property(
        stream,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 200 }),
        (buf, cuts, max) => {
          const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let at = 0;
          for (const p of [...points, buf.length]) {
            chunks.push(buf.subarray(at, p));
            at = p;
          }
          const whole = read([buf], max);
          const split = read(chunks, max);
          // Cutting the stream anywhere changes nothing.
          expect(split).toEqual(whole);
          const st = newRelpFrameState();
          readRelpFrames(st, buf, max, (f) => {
            // What a frame holds is what it declared, up to the bound.
            expect(f.data.length).toBe(Math.min(f.declared, max));
          });
          for (const f of whole.frames) {
            expect(f.truncated).toBe(f.declared > max);
            expect(f.txnr).toBeLessThanOrEqual(999_999_999);
            expect(f.command).toMatch(/^[A-Za-z]{1,32}$/);
          }
          if (whole.error !== null) expect(whole.error).toMatch(/^(expected|transaction|data|command)/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('knows when it is between frames', () => {
    const st = newRelpFrameState();
    expect(atFrameStart(st)).toBe(true);
    readRelpFrames(st, Buffer.from('1 clo'), 10, () => {});
    expect(atFrameStart(st)).toBe(false);
    readRelpFrames(st, Buffer.from('se 0\n'), 10, () => {});
    expect(atFrameStart(st)).toBe(true);
  });
});
