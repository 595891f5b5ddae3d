import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SyslogInput } from '../../../src/collector/inputs/syslog.js';
import type { RawEvent } from '../../../src/core/events.js';

async function receive(input: SyslogInput, n: number): Promise<RawEvent[]> {
  const out: RawEvent[] = [];
  for await (const b of input.batches()) {
    out.push(...b.events);
    b.ack();
    if (out.length >= n) break;
  }
  return out;
}

describe('syslog inputs', () => {
  it('receives UDP datagrams as raw events, one per message', async () => {
    const input = new SyslogInput({ protocol: 'udp', port: 0, flushMs: 10, service: 'net' });
    const source = await input.start();
    expect(source).toBe(`syslog:udp:127.0.0.1:${input.port()}`);
    const got = receive(input, 2);
    const sock = createSocket('udp4');
    const msgs = [
      '<34>Oct 11 22:14:15 mymachine su: failed for lonvick\n',
      '<165>1 2026-11-27T12:00:00.000Z host app 1 ID47 - hello',
    ];
    for (const m of msgs) await new Promise<void>((r) => sock.send(m, input.port(), '127.0.0.1', () => r()));
    const events = await got;
    sock.close();
    await input.close();
    expect(events.map((e) => e.line).sort()).toEqual(msgs.map((m) => m.trimEnd()).sort());
    expect(events[0]).toMatchObject({ source, service: 'net' });
    expect(input.stats()).toMatchObject({ messages: 2, dropped: 0 });
  });

  it('receives TCP messages with newline and octet-counting framing', async () => {
    const input = new SyslogInput({ protocol: 'tcp', port: 0, flushMs: 10 });
    const source = await input.start();
    expect(source).toMatch(/^syslog:tcp:127\.0\.0\.1:\d+$/);
    const got = receive(input, 3);
    const m3 = '<13>1 2026-11-27T12:00:00Z h app - - - multi\nline';
    const c = connect(input.port(), '127.0.0.1');
    await new Promise<void>((r) => c.once('connect', () => r()));
    c.write('<34>Oct 11 22:14:15 host su: one\n<34>Oct 11 22:14:16 host su: two\n');
    c.write(`${Buffer.byteLength(m3)} ${m3}`);
    const events = await got;
    c.destroy();
    await input.close();
    expect(events.map((e) => e.line)).toEqual([
      '<34>Oct 11 22:14:15 host su: one',
      '<34>Oct 11 22:14:16 host su: two',
      m3,
    ]);
    const offsets = events.map((e) => e.offset);
    expect(new Set(offsets).size).toBe(3);
  });

  it('at a stop, half-closes each TCP connection and keeps reading until the sender closes it', async () => {
    const input = new SyslogInput({ protocol: 'tcp', port: 0, flushMs: 10 });
    await input.start();
    // A sender that keeps writing after the receiver's FIN (it has not noticed it yet).
    const c = connect({ port: input.port(), host: '127.0.0.1', allowHalfOpen: true });
    await new Promise<void>((r) => c.once('connect', () => r()));
    c.write('<13>before the stop\n');
    const events: string[] = [];
    const reading = (async () => {
      for await (const b of input.batches()) {
        events.push(...b.events.map((e) => e.line));
        b.ack();
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    // The sender learns of the stop by the connection's end (its FIN)...
    const told = new Promise<void>((r) => c.once('end', () => r()));
    c.on('error', () => {});
    input.stop();
    await told;
    // ...and what it had written meanwhile is still read and kept, not reset away.
    c.end('<13>written as the stop came\n');
    await input.close();
    await reading;
    expect(events).toEqual(['<13>before the stop', '<13>written as the stop came']);
  });

  it('rejects a bad port naming the key', () => {
    expect(() => new SyslogInput({ protocol: 'udp', port: 70000 })).toThrow(/port/);
  });
});
