import { describe, expect, it } from 'vitest';
import { formatMicros } from '../../../src/core/time.js';
import { syslogRfc5424 } from '../../../src/generator/formats/syslog-rfc5424.js';
import { renderMany } from '../helpers.js';

const LINE =
  /^<(\d{1,3})>1 (\S+) ([a-z-]+-\d) ([A-Za-z-]+) (\d+|-) (request|app|-) (-|\[shop@32473 ((?:[a-z_]+="[^"]*" ?)+)\]) (.+)$/;

describe('syslog_rfc5424', () => {
  const records = renderMany(syslogRfc5424, 5000, { stepUs: 1_337 });

  it('writes the RFC 5424 header, structured data and message', () => {
    for (const { tsUs, text } of records) {
      const m = LINE.exec(text);
      expect(m, text).not.toBeNull();
      expect(m![2]).toBe(formatMicros(tsUs));
    }
  });

  it('carries request fields in structured data that agree with the message', () => {
    let requests = 0;
    for (const { text } of records) {
      const m = LINE.exec(text)!;
      if (m[6] !== 'request') continue;
      requests++;
      const sd = Object.fromEntries([...m[8].matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      expect(sd.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(m[9]).toBe(`${sd.method} ${sd.path} ${sd.status} in ${sd.latency_ms}ms`);
    }
    expect(requests).toBeGreaterThan(1000);
  });
});
