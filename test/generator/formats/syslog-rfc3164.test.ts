import { describe, expect, it } from 'vitest';
import { syslogRfc3164 } from '../../../src/generator/formats/syslog-rfc3164.js';
import { bsdSecond } from '../../../src/generator/time-text.js';
import { renderMany, share } from '../helpers.js';

const LINE =
  /^<(\d{1,3})>([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) ([a-z-]+-\d) ([A-Za-z-]+)(?:\[(\d+)\])?: (.+)$/;

describe('syslog_rfc3164', () => {
  const records = renderMany(syslogRfc3164, 5000, { stepUs: 86_400_000_000 / 97 });
  const parsed = records.map((r) => ({ ...r, m: LINE.exec(r.text) }));

  it('writes <PRI>, BSD time, host, tag and message', () => {
    for (const { tsUs, text, m } of parsed) {
      expect(m, text).not.toBeNull();
      expect(Number(m![1])).toBeLessThan(192);
      expect(m![2]).toBe(bsdSecond(Math.floor(tsUs / 1e6)));
    }
  });

  it('pads single-digit days with a space', () => {
    expect(bsdSecond(Date.UTC(2026, 0, 5, 1, 2, 3) / 1000)).toBe('Jan  5 01:02:03');
  });

  it('maps levels to severities and mixes in system daemons', () => {
    const sev = (p: (typeof parsed)[number]) => Number(p.m![1]) % 8;
    expect(share(parsed, (p) => sev(p) === 6)).toBeCloseTo(0.7, 1);
    expect(share(parsed, (p) => sev(p) === 3)).toBeGreaterThan(0.02);
    expect(share(parsed, (p) => Math.floor(Number(p.m![1]) / 8) === 16)).toBeCloseTo(0.75, 1);
    expect(new Set(parsed.map((p) => p.m![4])).has('sshd')).toBe(true);
  });
});
