import { createSocket } from 'node:dgram';
import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { generate } from '../../src/generator/index.js';
import { openSyslogSink, parseSyslogUrl } from '../../src/generator/syslog-sink.js';

// These tests bind loopback ports: a network sink cannot be tested without a socket.
describe('syslog sink', () => {
  it('parses udp:// and tcp:// addresses and rejects others', () => {
    expect(parseSyslogUrl('udp://127.0.0.1:5514')).toEqual({
      protocol: 'udp',
      host: '127.0.0.1',
      port: 5514,
    });
    expect(parseSyslogUrl('tcp://[::1]:601')).toEqual({ protocol: 'tcp', host: '::1', port: 601 });
    expect(() => parseSyslogUrl('http://x:1')).toThrow(/scheme must be udp:\/\/ or tcp:\/\//);
    expect(() => parseSyslogUrl('udp://x')).toThrow(/a port/);
    expect(() => parseSyslogUrl('nonsense')).toThrow(UsageError);
  });

  it('sends one datagram per record over UDP', async () => {
    const server = createSocket('udp4');
    const got: string[] = [];
    server.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    const { port } = server.address();
    const s = await generate({
      format: 'java',
      // Paced: UDP drops what a full receive buffer cannot hold, by design.
      rate: 2000,
      count: 200,
      seed: 5,
      levelWeights: { error: 1, info: 0, warn: 0, debug: 0 },
      output: { kind: 'syslog', url: `udp://127.0.0.1:${port}` },
    });
    for (let i = 0; i < 50 && got.length < 200; i++) await new Promise((r) => setTimeout(r, 20));
    server.close();
    expect(s.lines).toBe(200);
    expect(got).toHaveLength(200);
    // Multi-line records (stack traces) arrive whole, one datagram each.
    expect(got.some((m) => m.includes('\n\tat '))).toBe(true);
    for (const m of got) expect(m).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR /);
  });

  it('sends octet-counted frames over TCP', async () => {
    let received = Buffer.alloc(0);
    const done = new Promise<void>((resolve) => {
      const server = createServer((sock) => {
        sock.on('data', (d: Buffer) => {
          received = Buffer.concat([received, d]);
        });
        sock.on('end', () => {
          server.close();
          resolve();
        });
      });
      server.listen(0, '127.0.0.1', async () => {
        const { port } = server.address() as AddressInfo;
        await generate({
          format: 'syslog_rfc5424',
          rate: 'max',
          count: 300,
          seed: 5,
          output: { kind: 'syslog', url: `tcp://127.0.0.1:${port}` },
        });
      });
    });
    await done;
    const frames: string[] = [];
    let text = received.toString('utf8');
    while (text.length > 0) {
      const sp = text.indexOf(' ');
      const len = Number(text.slice(0, sp));
      frames.push(text.slice(sp + 1, sp + 1 + len));
      text = text.slice(sp + 1 + len);
    }
    expect(frames).toHaveLength(300);
    for (const f of frames) expect(f).toMatch(/^<\d+>1 \S+Z /);
  });

  it('says so when the TCP receiver is not there', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(openSyslogSink(`tcp://127.0.0.1:${port}`)).rejects.toThrow(
      /cannot connect to syslog .*ECONNREFUSED/,
    );
  });
});
