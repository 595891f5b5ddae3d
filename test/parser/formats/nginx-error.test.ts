import { describe, expect, it } from 'vitest';
import { parseNginxError } from '../../../src/parser/formats/nginx-error.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseNginxError(line, ctx);

describe('nginx_error', () => {
  it('parses the message and its context', () => {
    const p = parse(
      '2026/11/27 12:00:00 [error] 1234#5678: *90 open() "/usr/share/nginx/html/x" failed (2: No such file or directory), client: 10.0.0.1, server: localhost, request: "GET /x HTTP/1.1", host: "localhost"',
    );
    expect(p).toEqual({
      format: 'nginx_error',
      ts: us('2026-11-27T12:00:00Z'),
      level: 'error',
      message: 'open() "/usr/share/nginx/html/x" failed (2: No such file or directory)',
      service: null,
      host: null,
      fields: {
        pid: 1234,
        tid: 5678,
        connection: 90,
        client_ip: '10.0.0.1',
        server: 'localhost',
        method: 'GET',
        path: '/x',
        protocol: 'HTTP/1.1',
        http_host: 'localhost',
      },
    });
  });

  it('parses lines without a connection or context, and maps nginx levels', () => {
    const p = parse(
      '2026/11/27 12:00:00 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)',
    );
    expect(p?.level).toBe('fatal');
    expect(p?.fields).toEqual({ level_raw: 'emerg', pid: 1, tid: 1 });
    expect(p?.message).toBe('bind() to 0.0.0.0:80 failed (98: Address already in use)');
    expect(parse('2026/11/27 12:00:00 [notice] 1#1: signal process started')?.level).toBe('info');
    expect(
      parse('2026/11/27 12:00:00 [warn] 7#7: *3 upstream response is buffered, client: ::1, server: _')
        ?.fields,
    ).toMatchObject({ client_ip: '::1', server: '_', connection: 3 });
  });

  it('rejects Go log lines and others', () => {
    expect(parse('2026/11/27 12:00:00 [ERROR] something')).toBeNull();
    expect(parse('2026/11/27 12:00:00 plain')).toBeNull();
    expect(parse('2026-11-27 12:00:00 [error] 1#1: x')).toBeNull();
  });
});
