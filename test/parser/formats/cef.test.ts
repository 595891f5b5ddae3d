import { describe, expect, it } from 'vitest';
import { cefLevel, parseCef } from '../../../src/parser/formats/cef.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseCef(line, ctx);

describe('cef', () => {
  it('parses header and extension, values with spaces and escapes', () => {
    const p = parse(
      'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 msg=Detected a threat. No action needed\\=true cs1=a\\\\b rt=1700000000000',
    );
    expect(p).toEqual({
      format: 'cef',
      ts: us('2023-11-14T22:13:20Z'),
      level: 'fatal',
      message: 'worm successfully stopped',
      service: null,
      host: null,
      fields: {
        cef_version: 0,
        device_vendor: 'Security',
        device_product: 'threatmanager',
        device_version: '1.0',
        signature_id: '100',
        severity: 10,
        src: '10.0.0.1',
        dst: '2.1.2.2',
        spt: 1232,
        msg: 'Detected a threat. No action needed=true',
        cs1: 'a\\b',
        rt: 1700000000000,
      },
    });
  });

  it('reads a syslog header before CEF, escaped pipes, word severities and text times', () => {
    const p = parse(
      '<134>Sep 19 08:26:10 fw-01 CEF:0|Vendor\\|X|Prod|2|sig-7|Port scan|High|src=192.0.2.1 rt=Sep 19 2026 08:26:12 dvchost=fw-01.lan',
    );
    expect(p?.host).toBe('fw-01');
    expect(p?.fields.device_vendor).toBe('Vendor|X');
    expect(p?.level).toBe('error');
    expect(p?.ts).toBe(us('2026-09-19T08:26:12Z'));
    expect(p?.fields.dvchost).toBe('fw-01.lan');
  });

  it('maps severities', () => {
    expect(cefLevel('2')).toBe('info');
    expect(cefLevel('5')).toBe('warn');
    expect(cefLevel('8')).toBe('error');
    expect(cefLevel('Very-High')).toBe('fatal');
    expect(cefLevel('odd')).toBe('unknown');
  });

  it('rejects lines that only mention CEF', () => {
    expect(parse('CEF:0|only|three')).toBeNull();
    expect(parse('xCEF:0|a|b|c|d|e|f|')).toBeNull();
    expect(parse('plain text')).toBeNull();
  });
});
