import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkHttpUrl } from '../../src/generator/http-sink.js';
import { generate } from '../../src/generator/index.js';

/** A local HTTP server that records bodies; the first `failFirst` requests get a 503. */
async function server(failFirst = 0, status = 503) {
  const bodies: string[] = [];
  let n = 0;
  const s = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      if (n++ < failFirst) {
        res.statusCode = status;
        res.end();
        return;
      }
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toBe('text/plain');
      bodies.push(Buffer.concat(parts).toString());
      res.end('ok');
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/ingest`;
  return { url, bodies, close: () => new Promise<void>((r) => s.close(() => r())) };
}

// These tests bind a loopback port: an HTTP sink cannot be tested without a socket.
describe('http sink', () => {
  it('POSTs every line, in order, in batches', async () => {
    const srv = await server();
    const s = await generate({
      format: 'json',
      rate: 'max',
      count: 20_000,
      seed: 2,
      output: { kind: 'http', url: srv.url },
    });
    await srv.close();
    const lines = srv.bodies.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(20_000);
    expect(s.lines).toBe(20_000);
    expect(srv.bodies.length).toBeLessThan(200);
    for (const l of lines.slice(0, 100)) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('retries a failing endpoint, then delivers', async () => {
    const srv = await server(2);
    await generate({
      format: 'app',
      rate: 'max',
      count: 10,
      seed: 2,
      output: { kind: 'http', url: srv.url },
    });
    await srv.close();
    expect(srv.bodies.join('').trimEnd().split('\n')).toHaveLength(10);
  });

  it('fails the run naming the URL when the endpoint refuses the data', async () => {
    const srv = await server(100, 400);
    await expect(
      generate({ format: 'app', rate: 'max', count: 10, seed: 2, output: { kind: 'http', url: srv.url } }),
    ).rejects.toThrow(/cannot POST to http:\/\/127\.0\.0\.1:\d+\/ingest: HTTP 400/);
    await srv.close();
  });

  it('rejects a URL that is not http(s)', () => {
    expect(() => checkHttpUrl('ftp://x/')).toThrow(/scheme must be http/);
    expect(() => checkHttpUrl('not a url')).toThrow(/invalid HTTP URL/);
  });
});
