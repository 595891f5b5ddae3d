import { describe, expect, it } from 'vitest';
import {
  daysFromCivil,
  epochToMicros,
  inferYear,
  inTimeRange,
  MAX_MICROS,
  MIN_MICROS,
  monthAt,
  parseEpochText,
  parseIso,
  scan,
  scanAnyTime,
  scanCompactDate,
  scanCtime,
  scanDashCompactDate,
  scanHttpDate,
  scanIso,
  scanMonthDayDate,
  scanShortSlashDate,
  scanSlashDate,
  scanSyslogDate,
  UTC,
  zoneFromName,
} from '../../src/parser/timestamps/index.js';

const us = (iso: string) => Date.parse(iso) * 1000;

describe('timestamps', () => {
  it('counts days like Date does', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2000, 2, 29],
      [1969, 12, 31],
      [2100, 3, 1],
      [2026, 11, 27],
    ]) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
    }
  });

  it('parses ISO 8601 in its common shapes', () => {
    expect(parseIso('2026-11-27T12:00:00Z')).toBe(us('2026-11-27T12:00:00Z'));
    expect(parseIso('2026-11-27t12:00:00z')).toBe(us('2026-11-27T12:00:00Z'));
    expect(parseIso('2026-11-27 12:00:00.5')).toBe(us('2026-11-27T12:00:00.500Z'));
    expect(parseIso('2026-11-27T12:00:00.123456+05:30')).toBe(us('2026-11-27T06:30:00.123Z') + 456);
    expect(parseIso('2026-11-27T12:00:00-0800')).toBe(us('2026-11-27T20:00:00Z'));
    expect(parseIso('2026-11-27T12:00:00+02')).toBe(us('2026-11-27T10:00:00Z'));
    expect(parseIso('2026-11-27T12:00:00 +0000')).toBe(us('2026-11-27T12:00:00Z'));
    expect(parseIso('2026-11-27T12:00')).toBe(us('2026-11-27T12:00:00Z'));
    expect(parseIso('2026-11-27')).toBe(us('2026-11-27T00:00:00Z'));
    expect(parseIso('2026-11-27T12:00:00,25Z')).toBe(us('2026-11-27T12:00:00.250Z'));
  });

  it('rejects what is not ISO', () => {
    for (const t of [
      '',
      '2026-13-01',
      '2026-11-27T',
      '2026-11-27T25:00:00',
      '27/11/2026',
      '2026-11-27T12:00:00 junk',
    ]) {
      expect(parseIso(t), t).toBeNaN();
    }
  });

  it('scans ISO inside a longer line and says where it stopped', () => {
    const line = '2026-11-27T12:00:00.250Z INFO hello';
    expect(scanIso(line, 0)).toBe(us('2026-11-27T12:00:00.250Z'));
    expect(line.slice(scan.end)).toBe(' INFO hello');
    const noZone = '2026-11-27 12:00:00 INFO x';
    expect(scanIso(noZone, 0)).toBe(us('2026-11-27T12:00:00Z'));
    expect(noZone.slice(scan.end)).toBe(' INFO x');
  });

  it('parses the Apache / nginx stamp', () => {
    expect(scanHttpDate('10/Oct/2000:13:55:36 -0700', 0)).toBe(us('2000-10-10T20:55:36Z'));
    expect(scanHttpDate('01/jan/2026:00:00:00 +0000', 0)).toBe(us('2026-01-01T00:00:00Z'));
    expect(scanHttpDate('10/Oct/2000:13:55', 0)).toBeNaN();
    expect(monthAt('Dec', 0)).toBe(12);
    expect(monthAt('Dex', 0)).toBe(-1);
  });

  it('guesses the epoch unit from the size', () => {
    const s = 1_700_000_000;
    expect(epochToMicros(s)).toBe(s * 1e6);
    expect(epochToMicros(s * 1e3)).toBe(s * 1e6);
    expect(epochToMicros(s * 1e6)).toBe(s * 1e6);
    expect(epochToMicros(s * 1e9)).toBe(s * 1e6);
    expect(epochToMicros(-1)).toBeNaN();
    expect(epochToMicros(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(parseEpochText('1700000000.25')).toBe(s * 1e6 + 250_000);
    expect(parseEpochText('200')).toBeNaN();
    expect(parseEpochText('12a')).toBeNaN();
  });

  it('picks the unit from ranges ending at the year 10000, and marks larger numbers out of range', () => {
    const s9999 = 253_402_300_799; // 9999-12-31T23:59:59Z
    expect(epochToMicros(s9999)).toBe(s9999 * 1e6); // seconds, not ms of 1978
    expect(epochToMicros(s9999 * 1e3 + 999)).toBe((s9999 * 1e3 + 999) * 1e3); // ms, not µs of 1978
    expect(inTimeRange(epochToMicros(s9999 * 1e3 + 999))).toBe(false);
    expect(epochToMicros(253_402_300_800)).toBe(253_402_300_800_000); // ms of 1978-01-11
    expect(epochToMicros(1e21)).toBe(Number.POSITIVE_INFINITY);
    expect(inTimeRange(Number.POSITIVE_INFINITY)).toBe(false);
    // Digits are read exactly, ns rounded half up to µs.
    expect(parseEpochText('1700000000123456499')).toBe(1_700_000_000_123_456);
    expect(parseEpochText('1700000000123456500')).toBe(1_700_000_000_123_457);
    expect(parseEpochText('253402300799999999')).toBeGreaterThan(MAX_MICROS); // µs of 9999
    expect(parseEpochText('1000000000000000000000')).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps the µs a double holds exactly, 1684-07-28 to 2255-06-05', () => {
    expect(MAX_MICROS).toBe(Number.MAX_SAFE_INTEGER);
    expect(MIN_MICROS).toBe(-Number.MAX_SAFE_INTEGER);
    expect(parseIso('2255-06-05T23:47:34.740991Z')).toBe(MAX_MICROS);
    expect(parseIso('1684-07-28T00:12:25.259009Z')).toBe(MIN_MICROS);
    expect(inTimeRange(parseIso('2255-06-05T23:47:34.740991Z'))).toBe(true);
    expect(inTimeRange(parseIso('2255-06-05T23:47:34.740992Z'))).toBe(false);
    expect(inTimeRange(parseIso('9999-12-31T23:59:59.999999Z'))).toBe(false);
    expect(inTimeRange(Number.NaN)).toBe(false);
  });

  it('reads the other layouts logs use', () => {
    const ref = Date.UTC(2026, 10, 27, 12);
    expect(scanSyslogDate('Oct 11 22:14:15', 0, UTC, ref)).toBe(us('2026-10-11T22:14:15Z'));
    expect(scanSyslogDate('Oct  1 22:14:15.25 2019 x', 0, UTC, ref)).toBe(us('2019-10-01T22:14:15.250Z'));
    expect(scanCtime('Wed Oct 11 14:32:52.5 2000', 0, UTC)).toBe(us('2000-10-11T14:32:52.500Z'));
    expect(scanSlashDate('2009/11/10 23:00:00.000123', 0, UTC)).toBe(us('2009-11-10T23:00:00Z') + 123);
    expect(scanShortSlashDate('18/11/27 12:00:00', 0, UTC)).toBe(us('2018-11-27T12:00:00Z'));
    expect(scanCompactDate('181127 120001', 0, UTC)).toBe(us('2018-11-27T12:00:01Z'));
    expect(scanCompactDate('181127  9:05:01', 0, UTC)).toBe(us('2018-11-27T09:05:01Z'));
    expect(scanDashCompactDate('20261127-12:00:00:123', 0, UTC)).toBe(us('2026-11-27T12:00:00.123Z'));
    expect(scanMonthDayDate('11-27 11:00:00.123', 0, UTC, ref)).toBe(us('2026-11-27T11:00:00.123Z'));
    expect(scanAnyTime('27-Nov-2026 12:00:00', 0, UTC, ref)).toBe(us('2026-11-27T12:00:00Z'));
    expect(scanAnyTime('1700000000123 x', 0, UTC, ref)).toBe(us('2023-11-14T22:13:20.123Z'));
    expect(scanAnyTime('2026-11-27 12:00:00,5', 0, UTC, ref)).toBe(us('2026-11-27T12:00:00.500Z'));
    expect(scanAnyTime('12345 apples', 0, UTC, ref)).toBeNaN();
  });

  it('reads the layouts of real systems: dotted, dashed-dotted, unpadded, year-less', () => {
    const ref = Date.UTC(2026, 10, 27, 12);
    // Blue Gene/L and DB2.
    expect(scanAnyTime('2005-11-09-12.01.01.415321 R21', 0, UTC, ref)).toBe(
      us('2005-11-09T12:01:01.415Z') + 321,
    );
    expect(scan.end).toBe(26);
    // Dotted dates with a time; a date alone (a version) is not a stamp.
    expect(scanAnyTime('2005.11.09 12:01:01 x', 0, UTC, ref)).toBe(us('2005-11-09T12:01:01Z'));
    expect(scanAnyTime('27.11.2026 12:00:00,5 x', 0, UTC, ref)).toBe(us('2026-11-27T12:00:00.500Z'));
    expect(scanAnyTime('2005.11.09 R21', 0, UTC, ref)).toBeNaN();
    // Proxifier's MM.dd, year-less: a month after the read time's is last year's.
    expect(scanAnyTime('10.30 16:49:06] x', 0, UTC, ref)).toBe(us('2026-10-30T16:49:06Z'));
    expect(scanAnyTime('12.30 16:49:06] x', 0, UTC, ref)).toBe(us('2025-12-30T16:49:06Z'));
    // Unpadded compact clock; `:SSS` is a count of milliseconds.
    expect(scanDashCompactDate('20180102-9:4:7:88|x', 0, UTC)).toBe(us('2018-01-02T09:04:07.088Z'));
    expect(scan.end).toBe(17);
    expect(scanDashCompactDate('20171223-22:15:29:606|x', 0, UTC)).toBe(us('2017-12-23T22:15:29.606Z'));
    expect(scanDashCompactDate('20171223-22:15:29.5 x', 0, UTC)).toBe(us('2017-12-23T22:15:29.500Z'));
    expect(scanDashCompactDate('20171223-25:15:29', 0, UTC)).toBeNaN();
    expect(scanDashCompactDate('20171223-1:123:4', 0, UTC)).toBeNaN();
    // ISO with unpadded fields.
    expect(scanAnyTime('2017-1-5 3:04:5.25 x', 0, UTC, ref)).toBe(us('2017-01-05T03:04:05.250Z'));
    expect(scanAnyTime('2017-11-05T3:4:5+01:00 x', 0, UTC, ref)).toBe(us('2017-11-05T02:04:05Z'));
    expect(scanAnyTime('2017-1-5 x', 0, UTC, ref)).toBeNaN();
    // US dates, unpadded, with AM/PM.
    expect(scanAnyTime('9/28/2016 4:30:31 AM x', 0, UTC, ref)).toBe(us('2016-09-28T04:30:31Z'));
    expect(scanAnyTime('12/28/2016, 12:05:00 AM x', 0, UTC, ref)).toBe(us('2016-12-28T00:05:00Z'));
    expect(scanAnyTime('12/5/2016 12:05:00.5 PM', 0, UTC, ref)).toBe(us('2016-12-05T12:05:00.500Z'));
    expect(scanAnyTime('1/2/2017 11:59:59 pm', 0, UTC, ref)).toBe(us('2017-01-02T23:59:59Z'));
    expect(scanAnyTime('1/2/2017 23:59:59 x', 0, UTC, ref)).toBe(us('2017-01-02T23:59:59Z'));
    expect(scanAnyTime('13/2/2017 1:00:00', 0, UTC, ref)).toBeNaN();
    expect(scanAnyTime('1/2 x', 0, UTC, ref)).toBeNaN();
    // Redis: with a year, and the older year-less `dd MMM`.
    expect(scanAnyTime('06 Nov 2017 11:11:11.123 *', 0, UTC, ref)).toBe(us('2017-11-06T11:11:11.123Z'));
    expect(scanAnyTime('14 Nov 07:01:22.119 *', 0, UTC, ref)).toBe(us('2026-11-14T07:01:22.119Z'));
  });

  it('infers the year: December logs read in January belong to the year before', () => {
    const jan2 = Date.UTC(2027, 0, 2);
    expect(inferYear(12, 31, 23, 0, 0, jan2)).toBe(2026);
    expect(inferYear(1, 1, 0, 0, 0, jan2)).toBe(2027);
    // Up to a day ahead is clock skew, not last year.
    expect(inferYear(1, 2, 12, 0, 0, jan2)).toBe(2027);
    // A month after the read time's month is last year's, so a file never jumps ahead.
    expect(inferYear(2, 1, 0, 0, 0, jan2)).toBe(2026);
    // 29 February only exists in leap years.
    expect(inferYear(2, 29, 12, 0, 0, Date.UTC(2027, 5, 1))).toBe(2024);
    expect(inferYear(2, 29, 12, 0, 0, Date.UTC(2028, 5, 1))).toBe(2028);
  });

  it('applies a default zone to zone-less stamps only', () => {
    const plus2 = zoneFromName('+02:00')!;
    expect(parseIso('2026-11-27T12:00:00', plus2)).toBe(us('2026-11-27T10:00:00Z'));
    expect(parseIso('2026-11-27T12:00:00Z', plus2)).toBe(us('2026-11-27T12:00:00Z'));
    const ny = zoneFromName('America/New_York')!;
    expect(parseIso('2026-07-01T12:00:00', ny)).toBe(us('2026-07-01T16:00:00Z'));
    expect(parseIso('2026-12-01T12:00:00', ny)).toBe(us('2026-12-01T17:00:00Z'));
    expect(zoneFromName('UTC')).toBe(UTC);
    expect(zoneFromName('-0530')?.toUtcMs(0)).toBe(330 * 60_000);
    expect(zoneFromName('Mars/Olympus')).toBeNull();
    expect(zoneFromName('+25:00')).toBeNull();
  });
});
