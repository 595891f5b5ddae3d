import { describe, expect, it } from 'vitest';
import { closingQuote, parseApacheCombined, unquote } from '../../../src/parser/formats/apache-combined.js';
import { UTC } from '../../../src/parser/timestamps/index.js';
import type { ParseContext } from '../../../src/parser/types.js';

const ctx: ParseContext = { zone: UTC, refMs: 0 };
const parse = (line: string) => parseApacheCombined(line, ctx);
const us = (iso: string) => Date.parse(iso) * 1000;

describe('apache_combined', () => {
  it('parses the classic combined line', () => {
    const p = parse(
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    );
    expect(p).toEqual({
      format: 'apache_combined',
      ts: us('2000-10-10T20:55:36Z'),
      level: 'info',
      message: 'GET /apache_pb.gif HTTP/1.0',
      service: null,
      host: null,
      fields: {
        client_ip: '127.0.0.1',
        user: 'frank',
        method: 'GET',
        path: '/apache_pb.gif',
        protocol: 'HTTP/1.0',
        status: 200,
        bytes: 2326,
        referrer: 'http://www.example.com/start.html',
        user_agent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
      },
    });
  });

  it('accepts the common layout and reports it as apache_common', () => {
    const p = parse('192.168.1.20 - - [27/Nov/2026:09:15:02 +0100] "POST /api/login HTTP/1.1" 401 87');
    expect(p?.format).toBe('apache_common');
    expect(p?.ts).toBe(us('2026-11-27T08:15:02Z'));
    expect(p?.level).toBe('warn');
    expect(p?.fields).toEqual({
      client_ip: '192.168.1.20',
      method: 'POST',
      path: '/api/login',
      protocol: 'HTTP/1.1',
      status: 401,
      bytes: 87,
    });
  });

  it('takes IPv6 clients, `-` bytes and an ident', () => {
    const p = parse(
      '2001:db8:85a3::8a2e:370:7334 ident42 - [01/Jan/2026:00:00:00 +0000] "HEAD / HTTP/2.0" 304 - "-" "-"',
    );
    expect(p?.fields).toEqual({
      client_ip: '2001:db8:85a3::8a2e:370:7334',
      ident: 'ident42',
      method: 'HEAD',
      path: '/',
      protocol: 'HTTP/2.0',
      status: 304,
    });
    expect(p?.format).toBe('apache_combined');
  });

  it('maps 5xx to error and 4xx to warn', () => {
    const line = (s: number) => `10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" ${s} 1`;
    expect(parse(line(503))?.level).toBe('error');
    expect(parse(line(404))?.level).toBe('warn');
    expect(parse(line(302))?.level).toBe('info');
  });

  it('unescapes quotes inside the user agent and the request', () => {
    const p = parse(
      '10.1.1.1 - - [10/Oct/2000:13:55:36 +0000] "GET /q?x=\\"a\\" HTTP/1.1" 200 5 "-" "Mozilla/5.0 \\"quoted\\" agent \\\\ end"',
    );
    expect(p?.fields.path).toBe('/q?x="a"');
    expect(p?.fields.user_agent).toBe('Mozilla/5.0 "quoted" agent \\ end');
    expect(p?.fields.referrer).toBeUndefined();
  });

  it('keeps odd requests as `request`, drops `-`', () => {
    const dash = parse('10.1.1.1 - - [10/Oct/2000:13:55:36 +0000] "-" 408 0 "-" "-"');
    expect(dash?.fields).toEqual({ client_ip: '10.1.1.1', status: 408, bytes: 0 });
    const junk = parse(
      '10.1.1.1 - - [10/Oct/2000:13:55:36 +0000] "\\x16\\x03\\x01\\x00\\xa5" 400 226 "-" "-"',
    );
    expect(junk?.fields.request).toBe('\\x16\\x03\\x01\\x00\\xa5');
    expect(junk?.fields.method).toBeUndefined();
    const http09 = parse('10.1.1.1 - - [10/Oct/2000:13:55:36 +0000] "GET /" 200 10');
    expect(http09?.fields).toMatchObject({ method: 'GET', path: '/' });
  });

  it('reads a line whose CR was left on (CRLF input)', () => {
    const p = parse('10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8"\r');
    expect(p?.fields.user_agent).toBe('curl/8');
    const common = parse('10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1\r');
    expect(common?.fields.bytes).toBe(1);
    expect(common?.format).toBe('apache_common');
  });

  it('keeps what is there when a line was cut inside the user agent', () => {
    const p = parse(
      '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "https://r/" "Mozilla/5.0 (X11',
    );
    expect(p?.fields.user_agent).toBe('Mozilla/5.0 (X11');
  });

  it('handles zone-less and fractional stamps, applies the offset', () => {
    expect(parse('h - - [10/Oct/2000:13:55:36] "GET / HTTP/1.1" 200 1')?.ts).toBe(us('2000-10-10T13:55:36Z'));
    expect(parse('h - - [10/Oct/2000:13:55:36.250 +0530] "GET / HTTP/1.1" 200 1')?.ts).toBe(
      us('2000-10-10T08:25:36.250Z'),
    );
  });

  it('gives the right time to consecutive lines sharing or not sharing a second', () => {
    const a = parse('h - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1');
    const b = parse('h - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1');
    const c = parse('h - - [10/Oct/2000:13:55:37 +0000] "GET / HTTP/1.1" 200 1');
    expect(a?.ts).toBe(b?.ts);
    expect((c?.ts ?? 0) - (a?.ts ?? 0)).toBe(1_000_000);
  });

  it('rejects lines that are not access lines', () => {
    for (const line of [
      '',
      'hello world',
      'Oct 11 22:14:15 mymachine su: su root failed',
      '10.0.0.1 - - [not a date] "GET / HTTP/1.1" 200 1',
      '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" abc 1',
      '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1 200 1',
      '10.0.0.1 - - [10/Foo/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1',
      '10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 12x',
      '{"msg":"x"}',
    ]) {
      expect(parse(line), line).toBeNull();
    }
  });

  it('finds closing quotes past escaped ones', () => {
    expect(closingQuote('ab\\"cd"e', 0)).toBe(6);
    expect(closingQuote('ab\\\\"cd"', 0)).toBe(4);
    expect(closingQuote('abc', 0)).toBe(-1);
    expect(unquote('x\\"y\\\\z\\x41', 0, 11)).toBe('x"y\\z\\x41');
  });
});
