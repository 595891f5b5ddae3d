import { describe, expect, it } from 'vitest';
import { parseApacheError } from '../../../src/parser/formats/apache-error.js';
import { fixedZone } from '../../../src/parser/timestamps/index.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseApacheError(line, ctx);

describe('apache_error', () => {
  it('parses the 2.4 layout with module, pid/tid, client and error code', () => {
    const p = parse(
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:55002] AH00037: File does not exist: /usr/local/apache2/htdocs/favicon.ico',
    );
    expect(p).toEqual({
      format: 'apache_error',
      ts: us('2000-10-11T14:32:52.123Z') + 456,
      level: 'error',
      message: 'File does not exist: /usr/local/apache2/htdocs/favicon.ico',
      service: null,
      host: null,
      fields: {
        module: 'core',
        pid: 35708,
        tid: 4328636416,
        client_ip: '72.15.99.187',
        client_port: 55002,
        error_code: 'AH00037',
      },
    });
  });

  it('parses the 2.2 layout', () => {
    const p = parse(
      '[Sun Mar  7 16:02:00 2004] [notice] Apache/1.3.29 (Unix) configured -- resuming normal operations',
    );
    expect(p?.level).toBe('info');
    expect(p?.fields).toEqual({ level_raw: 'notice' });
    expect(p?.ts).toBe(us('2004-03-07T16:02:00Z'));
    expect(parse('[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied')?.fields).toEqual({
      client_ip: '127.0.0.1',
    });
  });

  it('handles IPv6 clients, trace levels and the default zone', () => {
    const p = parse('[Wed Oct 11 14:32:52 2000] [ssl:trace3] [pid 1] [client 2001:db8::1:443] handshake\r');
    expect(p?.level).toBe('trace');
    expect(p?.fields.client_ip).toBe('2001:db8::1');
    expect(p?.message).toBe('handshake');
    const ipv6NoPort = parse('[Wed Oct 11 14:32:52 2000] [error] [client 2001:db8::1] x');
    expect(ipv6NoPort?.fields.client_ip).toBe('2001:db8::1');
    const berlin = parseApacheError('[Wed Oct 11 14:32:52 2000] [error] x', { ...ctx, zone: fixedZone(120) });
    expect(berlin?.ts).toBe(us('2000-10-11T12:32:52Z'));
  });

  it('rejects other bracketed lines', () => {
    expect(parse('[2026-11-27T12:00:00Z] INFO [api] x')).toBeNull();
    expect(parse('[Wed Oct 11 14:32:52 2000] [bogus] x')).toBeNull();
    expect(parse('[Wed Oct 11 14:32:52 2000]')).toBeNull();
  });
});
