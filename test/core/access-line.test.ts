import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HTTP_STAMP_LENGTH, httpStamp, isMethod, scanHttpDate } from '../../src/core/access-line.js';
import { scan, UTC, type Zone } from '../../src/core/civil-time.js';

const us = (iso: string) => Date.parse(iso) * 1000;

/** Two hours east of UTC, for stamps that carry no offset. */
const PLUS2: Zone = { name: '+02:00', toUtcMs: (local) => local - 120 * 60_000 };

describe('access-line date', () => {
  it('scans the date with its offset, which wins over the default zone', () => {
    expect(scanHttpDate('10/Oct/2000:13:55:36 -0700', 0)).toBe(us('2000-10-10T20:55:36Z'));
    expect(scan.end).toBe(26);
    expect(scanHttpDate('10/Oct/2000:13:55:36 +0530', 0, PLUS2)).toBe(us('2000-10-10T08:25:36Z'));
    expect(scanHttpDate('10/Oct/2000:13:55:36 +05:30', 0)).toBe(us('2000-10-10T08:25:36Z'));
    expect(scanHttpDate('01/jan/2026:00:00:00 +0000', 0)).toBe(us('2026-01-01T00:00:00Z'));
    expect(scanHttpDate('01/JAN/2026:00:00:00Z', 0)).toBe(us('2026-01-01T00:00:00Z'));
  });

  it('scans inside a line, a fraction included, and says where it stopped', () => {
    const line = '1.2.3.4 - - [10/Oct/2000:13:55:36.250 +0000] "GET / HTTP/1.1"';
    const at = line.indexOf('[') + 1;
    expect(scanHttpDate(line, at)).toBe(us('2000-10-10T13:55:36.250Z'));
    expect(line.slice(scan.end)).toBe('] "GET / HTTP/1.1"');
  });

  it('applies the default zone to a date without an offset', () => {
    expect(scanHttpDate('10/Oct/2000:13:55:36', 0, PLUS2)).toBe(us('2000-10-10T11:55:36Z'));
    expect(scanHttpDate('10/Oct/2000:13:55:36]', 0)).toBe(us('2000-10-10T13:55:36Z'));
    expect(scan.end).toBe(20);
    // An offset out of range is no offset: the default zone applies and the scan stops before it.
    expect(scanHttpDate('10/Oct/2000:13:55:36 +2500', 0, UTC)).toBe(us('2000-10-10T13:55:36Z'));
    expect(scan.end).toBe(20);
  });

  it('rejects what is not a date', () => {
    for (const t of [
      '',
      '10/Oct/2000:13:55',
      '10/Oct/2000 13:55:36 +0000',
      '10-Oct-2000:13:55:36 +0000',
      '10/Okt/2000:13:55:36 +0000',
      '00/Oct/2000:13:55:36 +0000',
      '32/Oct/2000:13:55:36 +0000',
      '10/Oct/2000:25:00:00 +0000',
      '10/Oct/2000:13:60:00 +0000',
      '10/Oct/2000:13:55:61 +0000',
      '1/Oct/2000:13:55:36 +0000',
      '10/Oct/20x0:13:55:36 +0000',
    ]) {
      expect(scanHttpDate(t, 0), t).toBeNaN();
    }
  });

  it('writes a date only for whole seconds in four-digit years', () => {
    const t = us('2026-01-02T01:34:05Z');
    expect(httpStamp(t, 0)).toBe('02/Jan/2026:01:34:05 +0000');
    expect(httpStamp(t, -90)).toBe('02/Jan/2026:00:04:05 -0130');
    expect(httpStamp(t + 1, 0)).toBeNull();
    expect(httpStamp(us('0999-12-31T00:00:00Z'), 0)).toBeNull();
    expect(httpStamp(t, 0)).toHaveLength(HTTP_STAMP_LENGTH);
  });

  it('reads back every date it writes, in any zone', () => {
    const minYear = Date.UTC(1000, 0, 2) / 1000;
    const maxYear = Date.UTC(9999, 11, 30) / 1000;
    fc.assert(
      fc.property(
        fc.integer({ min: minYear, max: maxYear }),
        fc.integer({ min: -18 * 60 + 1, max: 18 * 60 - 1 }),
        (sec, zone) => {
          const ts = sec * 1_000_000;
          const text = httpStamp(ts, zone);
          expect(text).not.toBeNull();
          expect(text).toHaveLength(HTTP_STAMP_LENGTH);
          // The default zone must not matter: the date carries its offset.
          expect(scanHttpDate(`[${text}]`, 1, PLUS2)).toBe(ts);
          expect(scan.end).toBe(1 + HTTP_STAMP_LENGTH);
        },
      ),
    );
  });
});

describe('isMethod', () => {
  it('takes 3 to 20 capitals, `_` and `-`', () => {
    for (const m of ['GET', 'POST', 'M-SEARCH', 'VERSION_CONTROL', 'ABCDEFGHIJKLMNOPQRST']) {
      expect(isMethod(m, 0, m.length), m).toBe(true);
    }
    for (const m of ['', 'GE', 'get', 'Get', 'GET1', 'GE T', 'ABCDEFGHIJKLMNOPQRSTU', '%47ET']) {
      expect(isMethod(m, 0, m.length), m).toBe(false);
    }
  });

  it('looks only at the range it is given', () => {
    const req = '"PUT /a HTTP/1.1"';
    expect(isMethod(req, 1, 4)).toBe(true);
    expect(isMethod(req, 0, 4)).toBe(false);
    expect(isMethod(req, 1, 6)).toBe(false);
  });
});
