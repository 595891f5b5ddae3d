import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKv, parseKvWhole } from '../../../src/parser/formats/kv.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseKv(line, ctx);

describe('kv', () => {
  it('parses pairs among text after a stamp and level', () => {
    expect(parse('2026-11-27 12:00:00 WARN payment retry user=bob, amount=12.50; attempt=2')).toEqual({
      format: 'kv',
      ts: us('2026-11-27T12:00:00Z'),
      level: 'warn',
      message: 'payment retry',
      service: null,
      host: null,
      fields: { user: 'bob', amount: 12.5, attempt: 2 },
    });
  });

  it('uses well-known keys and quoted values', () => {
    const p = parse('audit: action=login user="Jane Doe" level=error ts=1700000000');
    expect(p).toMatchObject({ level: 'error', message: 'audit', ts: us('2023-11-14T22:13:20Z') });
    expect(p?.fields).toEqual({ action: 'login', user: 'Jane Doe' });
  });

  it('needs two pairs', () => {
    expect(parse('x=1 only')).toBeNull();
    expect(parse('no pairs at all')).toBeNull();
    expect(parse('a == b')).toBeNull();
  });
});

describe('kv claims a line only with a plausible shape', () => {
  it('refuses prose with key=value fragments among its words', () => {
    for (const line of [
      'the loop ran with n=3 and then t=4 before it stopped',
      'Set x=1 and y=2 in the config file to enable it',
      'warning: expected a=b but found a=c instead',
      '2016-09-28 04:30:31 INFO the retry ran with attempt=2 and delay=5 seconds',
      'if size=0 then retry=true, otherwise give up',
      '20180102-9:4:7:88|Step_Counter|40012345|flushTempCache steps=512',
    ]) {
      expect(parse(line), line).toBeNull();
    }
  });

  it('takes a message followed by pairs, separated by spaces, commas, semicolons or bars', () => {
    expect(parse('worker stats: jobs=4, failed=0; queue=12 | shard=eu-1')?.fields).toEqual({
      jobs: 4,
      failed: 0,
      queue: 12,
      shard: 'eu-1',
    });
  });

  it('reads a Heroku router line after its header', () => {
    const p = parse(
      '2014-01-09T16:52:33.535284+00:00 heroku[router]: at=info method=GET path="/" host=myapp.herokuapp.com request_id=8601b555-6a76-4f8a-9e39-3b5d4b4a1f12 fwd="204.204.204.204" dyno=web.1 connect=1ms service=18ms status=200 bytes=13 protocol=https',
    );
    expect(p).toMatchObject({ format: 'kv', ts: 1_389_286_353_535_284, message: 'heroku[router]' });
    expect(p?.fields).toMatchObject({
      at: 'info',
      method: 'GET',
      path: '/',
      status: 200,
      bytes: 13,
      dyno: 'web.1',
    });
  });

  it('reads an OpenSSH PAM line, empty values and all', () => {
    const p = parse(
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186  user=root',
    );
    expect(p?.message).toBe('pam_unix(sshd:auth): authentication failure');
    expect(p?.fields).toEqual({ uid: 0, euid: 0, tty: 'ssh', rhost: '173.234.31.186', user: 'root' });
  });

  it('keeps quoted values with spaces and separators whole', () => {
    const p = parse('payment failed: user="Jane Doe" reason="card declined, try again; later"');
    expect(p?.message).toBe('payment failed');
    expect(p?.fields).toEqual({ user: 'Jane Doe', reason: 'card declined, try again; later' });
  });

  it('does not take a small number under a time key for the time', () => {
    const p = parse('worker stats: t=4 n=10');
    expect(p?.ts).toBeNaN();
    expect(p?.fields).toEqual({ t: 4, n: 10 });
    expect(parse('retry: time="12" attempt=2')?.fields).toEqual({ time: '12', attempt: 2 });
    expect(parse('audit: ts=1700000000 action=login')?.ts).toBe(us('2023-11-14T22:13:20Z'));
  });

  it('refuses early only lines the whole read refuses', () => {
    const token = fc.oneof(
      fc.constantFrom('a=1', 'user=bob', 'n=3,', 'x="two words"', 'y="open', 'q="a b"!', 'k=v;', 'z=', '=v'),
      fc.constantFrom('word', 'Traceback', '(most', 'recent)', '-', '.', ':', '"', ',', ';', '|', 'é=1', 'ü'),
      fc.constantFrom('2026-06-09 00:03:01.160', 'INFO', 'WARN', '[req-1 - -]', '\n  File "x.py"', '\r'),
      fc.stringMatching(/^[a-z=" ,;.]{0,6}$/),
    );
    const sep = fc.constantFrom(' ', '  ', '\t', ', ', '; ', '\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(token, sep), { maxLength: 8 }), (parts) => {
        const line = parts
          .map(([t, s]) => t + s)
          .join('')
          .trimEnd();
        expect(parseKv(line, ctx)).toEqual(parseKvWhole(line, ctx));
      }),
      { numRuns: 3000 },
    );
  });
});
