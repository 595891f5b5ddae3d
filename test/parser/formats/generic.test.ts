import { describe, expect, it } from 'vitest';
import { parseGeneric } from '../../../src/parser/formats/generic.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseGeneric(line, ctx);

describe('generic', () => {
  it('finds a stamp and a level in common layouts', () => {
    const cases: [string, number, string, string][] = [
      [
        '2026-11-27 12:00:00,123 [main] ERROR something broke',
        us('2026-11-27T12:00:00.123Z'),
        'error',
        'something broke',
      ],
      ['[2026-11-27T12:00:00Z] [warn] disk low', us('2026-11-27T12:00:00Z'), 'warn', 'disk low'],
      ['181127 12:00:00 [Note] mysqld: ready', us('2018-11-27T12:00:00Z'), 'info', 'mysqld: ready'],
      ['18/11/27 12:00:00 INFO spark: started', us('2018-11-27T12:00:00Z'), 'info', 'spark: started'],
      ['20261127-12:00:00:123 E/Camera: fail', us('2026-11-27T12:00:00.123Z'), 'error', 'Camera: fail'],
      ['11-27 11:00:00.500 W something', us('2026-11-27T11:00:00.500Z'), 'warn', 'something'],
      ['Nov 27 11:00:00 CRITICAL reactor melt', us('2026-11-27T11:00:00Z'), 'fatal', 'reactor melt'],
      ['1700000000 notice: ok', us('2023-11-14T22:13:20Z'), 'info', 'ok'],
      ['27-Nov-2026 12:00:00.250 SEVERE [main] x', us('2026-11-27T12:00:00.250Z'), 'error', '[main] x'],
      ['node-3 2026-11-27T12:00:00Z DEBUG tick', us('2026-11-27T12:00:00Z'), 'debug', 'tick'],
      ['2026-11-27 12:00:00 | INFO | step done', us('2026-11-27T12:00:00Z'), 'info', 'step done'],
    ];
    for (const [line, ts, level, message] of cases) {
      const p = parse(line);
      expect(p, line).not.toBeNull();
      expect([p?.format, p?.ts, p?.level, p?.message], line).toEqual(['generic', ts, level, message]);
    }
  });

  it('reads the headers real systems write', () => {
    const cases: [string, number, string, string][] = [
      // Windows CBS: the level after a comma.
      [
        '2016-09-28 04:30:31, Warning               CBS    Failed to load servicing stack',
        us('2016-09-28T04:30:31Z'),
        'warn',
        'CBS    Failed to load servicing stack',
      ],
      // Proxifier: year-less `MM.dd` in brackets, no level.
      [
        '[10.30 16:49:06] chrome.exe - proxy.example.org:5070 open through proxy',
        us('2026-10-30T16:49:06Z'),
        'unknown',
        'chrome.exe - proxy.example.org:5070 open through proxy',
      ],
      // A health app: compact, unpadded, milliseconds as a count.
      [
        '20180102-9:4:7:88|Step_Counter|40012345|flushTempCache steps=512',
        us('2018-01-02T09:04:07.088Z'),
        'unknown',
        '|Step_Counter|40012345|flushTempCache steps=512',
      ],
      // HPC: epoch seconds as the fifth column.
      [
        '2561 node-178 action start 1074119817 1 clusterAddMember  (command 1902)',
        us('2004-01-14T22:36:57Z'),
        'unknown',
        '1 clusterAddMember  (command 1902)',
      ],
      // PostgreSQL: a zone abbreviation, the pid, user@database, `LOG:`.
      [
        '2017-11-06 11:11:11.123 UTC [1234] app@shop LOG:  database system is ready',
        us('2017-11-06T11:11:11.123Z'),
        'info',
        'database system is ready',
      ],
      ['2017-11-06 11:11:11 CET [1234] DEBUG2:  x', us('2017-11-06T10:11:11Z'), 'debug', 'x'],
      // MySQL 8: `[System]`.
      [
        '2020-08-06T14:25:02.835618Z 0 [System] [MY-010116] [Server] starting',
        us('2020-08-06T14:25:02.835Z') + 618,
        'info',
        '[MY-010116] [Server] starting',
      ],
      // CRI: the runtime's stamp; the level from the container's own line (klog, or a stamped one).
      [
        '2017-11-06T11:11:11.123456789Z stderr F E1106 11:11:11.123456       1 kubelet.go:2263] x',
        us('2017-11-06T11:11:11.123Z') + 456,
        'error',
        'E1106 11:11:11.123456       1 kubelet.go:2263] x',
      ],
      [
        '2017-11-06T11:11:11.5Z stdout F 2017-11-06 11:11:10 WARN  [main] retrying',
        us('2017-11-06T11:11:11.500Z'),
        'warn',
        '[main] retrying',
      ],
      [
        '2017-11-06T11:11:11.5Z stdout P part of a line',
        us('2017-11-06T11:11:11.500Z'),
        'unknown',
        'part of a line',
      ],
      // A kernel priority prefix.
      [
        '<3>[ 12.345678] usb 1-1: device not accepting address',
        Number.NaN,
        'error',
        '[ 12.345678] usb 1-1: device not accepting address',
      ],
    ];
    for (const [line, ts, level, message] of cases) {
      const p = parse(line);
      expect(p, line).not.toBeNull();
      expect([p?.ts, p?.level, p?.message], line).toEqual([ts, level, message]);
    }
  });

  it('does not read a stamp-like word of the message as a zone or a stream', () => {
    expect(parse('2017-11-06 11:11:11 CST is ambiguous')?.ts).toBe(us('2017-11-06T11:11:11Z'));
    expect(parse('2017-11-06 11:11:11 stdout X said')?.level).toBe('unknown');
    expect(parse('user alice bob uploaded 123456789012 bytes')).toBeNull();
  });

  it('keeps a level without a time, and a time without a level', () => {
    expect(parse('ERROR: cannot open file')).toMatchObject({ level: 'error', message: 'cannot open file' });
    expect(parse('ERROR: x')?.ts).toBeNaN();
    expect(parse('2026-11-27T12:00:00Z something happened')).toMatchObject({
      level: 'unknown',
      message: 'something happened',
    });
  });

  it('keeps the raw level word when it differs', () => {
    expect(parse('2026-11-27 12:00:00 Warning x')?.fields).toEqual({ level_raw: 'Warning' });
    expect(parse('2026-11-27 12:00:00 warn x')?.fields).toEqual({});
  });

  it('returns null when there is neither time nor level', () => {
    for (const line of [
      'hello world',
      '',
      '   ',
      'I think so',
      'a b c d e f 2026-11-27T12:00:00Z',
      '12345 apples',
    ]) {
      expect(parse(line), line).toBeNull();
    }
  });
});
