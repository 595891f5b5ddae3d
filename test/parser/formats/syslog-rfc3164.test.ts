import { describe, expect, it } from 'vitest';
import { parseSyslog3164, readPriority } from '../../../src/parser/formats/syslog-rfc3164.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseSyslog3164(line, ctx);

describe('syslog_rfc3164', () => {
  it('parses the RFC example with priority, host, program and pid', () => {
    const p = parse("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick on /dev/pts/8");
    expect(p).toEqual({
      format: 'syslog_rfc3164',
      ts: us('2026-10-11T22:14:15Z'),
      level: 'fatal',
      message: "'su root' failed for lonvick on /dev/pts/8",
      service: 'su',
      host: 'mymachine',
      fields: { facility: 4, severity: 2, pid: 123 },
    });
  });

  it('parses lines without priority, with space-padded days and no pid', () => {
    const p = parse('Nov  3 07:01:02 web-01 sshd: Accepted publickey for deploy from 10.0.0.9');
    expect(p?.ts).toBe(us('2026-11-03T07:01:02Z'));
    expect(p).toMatchObject({ host: 'web-01', service: 'sshd', level: 'unknown', fields: {} });
    expect(parse('Nov 27 07:01:02 web-01 app[9]: ERROR disk full')?.level).toBe('error');
  });

  it('puts December lines read in January in the year before', () => {
    const jan = { ...ctx, refMs: Date.UTC(2027, 0, 2, 0, 0, 0) };
    expect(parseSyslog3164('Dec 31 23:59:59 h cron[1]: x', jan)?.ts).toBe(us('2026-12-31T23:59:59Z'));
    expect(parseSyslog3164('Jan  1 00:00:01 h cron[1]: x', jan)?.ts).toBe(us('2027-01-01T00:00:01Z'));
  });

  it("accepts rsyslog's RFC 3339 stamps and missing hosts", () => {
    const p = parse('<13>2026-11-27T11:00:00.123456+01:00 host-a kernel: [  12.3] usb 1-1: new device');
    expect(p?.ts).toBe(us('2026-11-27T10:00:00.123Z') + 456);
    expect(p).toMatchObject({
      host: 'host-a',
      service: 'kernel',
      level: 'info',
      message: '[  12.3] usb 1-1: new device',
    });
    expect(parse('<13>Nov 27 11:00:00 systemd[1]: Started')?.host).toBeNull();
  });

  it("reads macOS's level between the tag and its colon", () => {
    const p = parse(
      "Jul  1 09:00:55 calvisitor-10-105-160-95 locationd[82] <Warning>: Location icon is 'Inactive'",
    );
    expect(p).toMatchObject({ level: 'warn', service: 'locationd', message: "Location icon is 'Inactive'" });
    expect(parse('Jul  1 09:00:55 host launchd[1] <Notice>: x')?.level).toBe('info');
    expect(parse('Jul  1 09:00:55 host kernel[0]: <x> not a level')?.level).toBe('unknown');
  });

  it('does not take application lines for syslog', () => {
    expect(parse('2026-11-27 12:00:00 ERROR db: timeout')).toBeNull();
    expect(parse('2026-11-27 12:00:00 host message without tag')).toBeNull();
    expect(parse('hello world')).toBeNull();
    expect(parse('<999>Oct 11 22:14:15 h p: x')).toBeNull();
  });

  it('reads priorities', () => {
    expect(readPriority('<0>')).toBe(0);
    expect(readPriority('<191>x')).toBe(191);
    expect(readPriority('<192>x')).toBe(-1);
    expect(readPriority('<>')).toBe(-1);
  });
});
