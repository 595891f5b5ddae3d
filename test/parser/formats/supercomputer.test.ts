import { describe, expect, it } from 'vitest';
import { parseSupercomputer } from '../../../src/parser/formats/supercomputer.js';
import { ctx } from '../helpers.js';

const parse = (line: string) => parseSupercomputer(line, ctx);

describe('supercomputer', () => {
  it('reads a Blue Gene/L RAS record: the epoch, the stamp fraction, component and level', () => {
    expect(
      parse(
        '- 1131566461 2005.11.09 R21-M0-N6-C:J12-U01 2005-11-09-12.01.01.415321 R21-M0-N6-C:J12-U01 RAS KERNEL FATAL machine check interrupt',
      ),
    ).toEqual({
      format: 'supercomputer',
      ts: 1131566461415321,
      level: 'fatal',
      message: 'machine check interrupt',
      service: 'KERNEL',
      host: 'R21-M0-N6-C:J12-U01',
      fields: { location: 'R21-M0-N6-C:J12-U01', type: 'RAS' },
    });
    const p = parse(
      'APPREAD 1117869876 2005.06.04 R27-M1-N4-I:J18-U01 2005-06-04-00.24.36.222560 R27-M1-N4-I:J18-U01 RAS APP FAILURE ciod: x',
    );
    expect(p).toMatchObject({
      level: 'fatal',
      service: 'APP',
      fields: { alert: 'APPREAD', level_raw: 'FAILURE' },
    });
    expect(
      parse('- 1117838570 2005.06.03 NULL 2005-06-03-15.42.50.675872 NULL RAS MMCS SEVERE x')?.level,
    ).toBe('error');
  });

  it('keeps the epoch alone when the stamp disagrees on minutes and seconds', () => {
    const p = parse('- 1131566461 2005.11.09 R21 2005-11-09-12.03.00.415321 R21 RAS KERNEL INFO x');
    expect(p?.ts).toBe(1131566461000000);
  });

  it('reads a Thunderbird syslog record: the epoch, the program, no level', () => {
    expect(
      parse(
        '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root',
      ),
    ).toEqual({
      format: 'supercomputer',
      ts: 1131566461000000,
      level: 'unknown',
      message: 'session closed for user root',
      service: 'crond(pam_unix)',
      host: 'dn228',
      fields: { pid: 2915 },
    });
  });

  it('rejects other lines', () => {
    for (const line of [
      '- 113156646 2005.11.09 dn228 x',
      'ERROR 1131566461 is the count',
      '- 1131566461 2005-11-09 dn228 x',
      'lower 1131566461 2005.11.09 dn228 x',
      '-',
      '',
    ]) {
      expect(parse(line), line).toBeNull();
    }
  });
});
