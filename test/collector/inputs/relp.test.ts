import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RelpInput } from '../../../src/collector/inputs/relp.js';
import {
  encodeRelpFrame,
  newRelpFrameState,
  readRelpFrames,
} from '../../../src/collector/inputs/relp-framing.js';
import type { Batch, RawEvent } from '../../../src/core/events.js';

/** A hand-made RELP client: sends frames, records every frame the server sends back. */
async function client(port: number): Promise<{
  sock: Socket;
  got: Array<{ txnr: number; command: string; data: string }>;
  ended: Promise<void>;
  until: (pred: () => boolean) => Promise<void>;
}> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const got: Array<{ txnr: number; command: string; data: string }> = [];
  const st = newRelpFrameState();
  sock.on('data', (c: Buffer) => {
    readRelpFrames(st, c, 1 << 20, (f) =>
      got.push({ txnr: f.txnr, command: f.command, data: f.data.toString() }),
    );
  });
  sock.on('error', () => {});
  const ended = new Promise<void>((r) => sock.once('close', () => r()));
  const until = async (pred: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { sock, got, ended, until };
}

const OPEN = encodeRelpFrame(1, 'open', 'relp_version=0\nrelp_software=test\ncommands=syslog');

async function nextBatch(it: AsyncGenerator<Batch<RawEvent>>): Promise<Batch<RawEvent>> {
  const r = await it.next();
  if (r.done) throw new Error('no batch');
  return r.value;
}

describe('RELP input', () => {
  it('answers open with its offers, and each syslog frame only once its batch is acknowledged', async () => {
    const input = new RelpInput({ port: 0, flushMs: 5, service: 'relp-test' });
    const source = await input.start();
    expect(source).toBe(`relp:127.0.0.1:${input.port()}`);
    const c = await client(input.port());
    c.sock.write(OPEN);
    await c.until(() => c.got.length === 1);
    expect(c.got[0]).toEqual({
      txnr: 1,
      command: 'rsp',
      data: '200 OK\nrelp_version=0\nrelp_software=logpipe\ncommands=syslog',
    });
    c.sock.write(
      encodeRelpFrame(2, 'syslog', '<13>1 - h app - - - one') + encodeRelpFrame(3, 'syslog', 'two\n'),
    );
    const batches = input.batches();
    const b = await nextBatch(batches);
    expect(b.events.map((e) => e.line)).toEqual(['<13>1 - h app - - - one', 'two']);
    expect(b.events[0]).toMatchObject({ source, service: 'relp-test' });
    await new Promise((r) => setTimeout(r, 50));
    expect(c.got.length).toBe(1); // nothing answered before the ack
    b.ack();
    await c.until(() => c.got.length === 3);
    expect(c.got.slice(1)).toEqual([
      { txnr: 2, command: 'rsp', data: '200 OK' },
      { txnr: 3, command: 'rsp', data: '200 OK' },
    ]);
    // The client's close is answered once everything before it is, then the connection ends.
    c.sock.write(encodeRelpFrame(4, 'syslog', 'three') + encodeRelpFrame(5, 'close'));
    const b2 = await nextBatch(batches);
    await new Promise((r) => setTimeout(r, 30));
    expect(c.got.length).toBe(3);
    b2.ack();
    await c.ended;
    expect(c.got.slice(3)).toEqual([
      { txnr: 4, command: 'rsp', data: '200 OK' },
      { txnr: 5, command: 'rsp', data: '' },
    ]);
    await input.close();
    expect(input.stats()).toMatchObject({ messages: 3, answered: 3, rejected: 0 });
  });

  it('at close, answers what was stored, then sends serverclose; what was not read is never answered', async () => {
    const input = new RelpInput({ port: 0, flushMs: 5, closeGraceMs: 500 });
    await input.start();
    const c = await client(input.port());
    c.sock.write(OPEN + encodeRelpFrame(2, 'syslog', 'kept'));
    const batches = input.batches();
    const b = await nextBatch(batches);
    input.stop();
    // After the stop, frames are not read (the sender keeps them and sends them again).
    c.sock.write(encodeRelpFrame(3, 'syslog', 'after the stop'));
    await new Promise((r) => setTimeout(r, 30));
    b.ack();
    expect((await batches.next()).done).toBe(true);
    await input.close();
    await c.ended;
    expect(c.got.map((f) => `${f.txnr} ${f.command} ${f.data.split('\n')[0]}`)).toEqual([
      '1 rsp 200 OK',
      '2 rsp 200 OK',
      '0 serverclose ',
    ]);
    expect(input.stats()).toMatchObject({ messages: 1, answered: 1 });
  });

  it('answers nothing for a batch that was not stored, and closes its session', async () => {
    const warnings: string[] = [];
    const input = new RelpInput({ port: 0, flushMs: 5, onWarning: (m) => warnings.push(m) });
    await input.start();
    const c = await client(input.port());
    c.sock.write(OPEN + encodeRelpFrame(2, 'syslog', 'lost'));
    const b = await nextBatch(input.batches());
    b.ack(new Error('disk full'));
    await c.ended;
    expect(c.got.map((f) => f.command)).toEqual(['rsp', 'serverclose']);
    expect(warnings.join('\n')).toMatch(/were not stored \(disk full\); closing the session/);
    await input.close();
  });

  it('closes a connection that breaks the protocol, with one warning naming the peer and the fault', async () => {
    const cases: Array<[string, RegExp]> = [
      ['GET / HTTP/1.1\r\n\r\n', /expected a digit of the transaction number, got "G"; closing it/],
      [encodeRelpFrame(1, 'syslog', 'x'), /a syslog frame before open/],
      [OPEN + encodeRelpFrame(5, 'syslog', 'x'), /transaction number 5 out of sequence \(expected 2\)/],
      [OPEN + encodeRelpFrame(2, 'starttls'), /unknown command "starttls"/],
      [OPEN + OPEN.replace(/^1/, '2'), /a second open/],
      ['1 syslog 3 abcd\n', /expected LF after 3 bytes of data/],
    ];
    for (const [wire, warning] of cases) {
      const warnings: string[] = [];
      const input = new RelpInput({ port: 0, flushMs: 5, onWarning: (m) => warnings.push(m) });
      await input.start();
      const c = await client(input.port());
      c.sock.write(wire);
      await c.ended;
      expect(warnings.length, wire).toBe(1);
      expect(warnings[0], wire).toMatch(warning);
      expect(warnings[0]).toContain(`relp:127.0.0.1:${input.port()}: connection from 127.0.0.1:`);
      expect(input.stats().rejected).toBe(1);
      await input.close();
    }
  });

  it('cuts a message over the limit and flags it, answering it like any other', async () => {
    const input = new RelpInput({ port: 0, flushMs: 5, maxLineBytes: 8 });
    await input.start();
    const c = await client(input.port());
    c.sock.write(OPEN + encodeRelpFrame(2, 'syslog', 'x'.repeat(5000)) + encodeRelpFrame(3, 'syslog', 'ok'));
    const b = await nextBatch(input.batches());
    expect(b.events.map((e) => [e.line, e.truncated ?? false])).toEqual([
      ['xxxxxxxx', true],
      ['ok', false],
    ]);
    b.ack();
    await c.until(() => c.got.length === 3);
    await input.close();
  });

  it('rejects a bad port naming the key', () => {
    expect(() => new RelpInput({ port: -1 })).toThrow(/port/);
  });
});
