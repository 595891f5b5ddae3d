import { describe, expect, it } from 'vitest';
import { parseSyslog5424 } from '../../../src/parser/formats/syslog-rfc5424.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseSyslog5424(line, ctx);

describe('syslog_rfc5424', () => {
  it('parses the RFC example with structured data', () => {
    const p = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] BOMAn application event log entry',
    );
    expect(p).toEqual({
      format: 'syslog_rfc5424',
      ts: us('2003-10-11T22:14:15.003Z'),
      level: 'info',
      message: 'BOMAn application event log entry',
      service: 'evntslog',
      host: 'mymachine.example.com',
      fields: {
        facility: 20,
        severity: 5,
        msgid: 'ID47',
        'exampleSDID@32473.iut': 3,
        'exampleSDID@32473.eventSource': 'Application',
        'exampleSDID@32473.eventID': 1011,
      },
    });
  });

  it('handles nil values, escapes in SD, several SD elements, a BOM and no message', () => {
    const p = parse(
      '<34>1 2026-11-27T12:00:00+01:00 - su 4242 - [a x="q\\"u\\]o"][b y="1"] \ufeff\u00e9t\u00e9 ok',
    );
    expect(p).toMatchObject({ host: null, service: 'su', level: 'fatal', message: 'été ok' });
    expect(p?.fields).toMatchObject({ pid: 4242, 'a.x': 'q"u]o', 'b.y': 1 });
    expect(p?.ts).toBe(us('2026-11-27T11:00:00Z'));
    const bare = parse('<14>1 2026-11-27T12:00:00Z h app - - -');
    expect(bare?.message).toBe('');
  });

  it('accepts lines without priority and with a nil time', () => {
    expect(parse('1 2026-11-27T12:00:00Z h app 1 - - hello')?.message).toBe('hello');
    expect(parse('<14>1 - h app - - - hi')?.ts).toBeNaN();
  });

  it('rejects RFC 3164 and malformed lines', () => {
    expect(parse('<34>Oct 11 22:14:15 mymachine su: x')).toBeNull();
    expect(parse('<34>1 2026-11-27T12:00:00Z h app - - [broken')).toBeNull();
    expect(parse('<34>1 2026-11-27T12:00:00Z h')).toBeNull();
  });
});
