/**
 * Issue #27, "Faults end cleanly", syslog inputs: a quiet UDP collector crashed on its first drop
 * (`onWarning` replaced by an undefined option), TCP had no line limit and buffered a newline-free
 * stream quadratically, and a last message without LF, or a short octet-counted frame, was lost
 * when its connection closed. The inputs are built here as `logpipe collect` builds them: options
 * it does not set are passed as `undefined`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SyslogInput } from '../../src/collector/index.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/core/defaults.js';
import type { RawEvent } from '../../src/core/events.js';
import { CLI } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { rssMiB } from '../helpers/processes.js';

/** A syslog input with the option shape `logpipe collect --quiet` gives it. */
function quietInput(protocol: 'udp' | 'tcp', warnings?: string[]): SyslogInput {
  return new SyslogInput({
    protocol,
    host: '127.0.0.1',
    port: 0,
    maxLineBytes: undefined,
    format: undefined,
    service: undefined,
    onWarning: warnings ? (m) => warnings.push(m) : undefined,
    flushMs: 10,
  });
}

/** Events received until `n` arrived or `ms` passed. */
async function receive(input: SyslogInput, n: number, ms = 5000): Promise<RawEvent[]> {
  const out: RawEvent[] = [];
  const it = input.batches()[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const next = await Promise.race([it.next(), new Promise<null>((r) => setTimeout(() => r(null), left))]);
    if (next === null || next.done) break;
    out.push(...next.value.events);
    next.value.ack();
  }
  return out;
}

async function tcpClient(port: number): Promise<Socket> {
  const c = connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => {
    c.once('connect', () => r());
    c.once('error', j);
  });
  return c;
}

function write(c: Socket, data: string | Buffer): Promise<void> {
  return new Promise((r) => (c.write(data) ? r() : c.once('drain', () => r())));
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('syslog inputs end cleanly (issue #27)', () => {
  it('a quiet UDP input whose queue is full drops and counts datagrams instead of crashing', async () => {
    const crashes: Error[] = [];
    const onCrash = (err: Error) => crashes.push(err);
    process.prependListener('uncaughtException', onCrash);
    const input = new SyslogInput({
      protocol: 'udp',
      port: 0,
      maxLineBytes: undefined,
      onWarning: undefined,
      maxBatchLines: 2,
      maxBatchesInFlight: 1,
    });
    try {
      await input.start();
      // Nobody takes batches: the queue fills after a few datagrams, and the rest are dropped.
      const sock = createSocket('udp4');
      for (let i = 0; i < 200 && input.stats().dropped < 5; i++) {
        await new Promise<void>((r) => sock.send(`<13>msg ${i}`, input.port(), '127.0.0.1', () => r()));
        await new Promise((r) => setTimeout(r, 2));
      }
      sock.close();
      expect(crashes.map((e) => e.message)).toEqual([]);
      expect(input.stats().dropped).toBeGreaterThanOrEqual(5);
    } finally {
      process.off('uncaughtException', onCrash);
      await input.close();
    }
  });

  it('a 2 MiB TCP message is cut at the line limit, flagged, and the next message arrives whole', async () => {
    const input = quietInput('tcp');
    await input.start();
    const got = receive(input, 2);
    const c = await tcpClient(input.port());
    await write(c, `<13>${'y'.repeat(2 * 1024 * 1024)}\n<13>next\n`);
    const events = await got;
    c.destroy();
    await input.close();
    expect(events.map((e) => [e.line.length, e.truncated ?? false])).toEqual([
      [DEFAULT_MAX_LINE_BYTES, true],
      ['<13>next'.length, false],
    ]);
    expect(events[1].line).toBe('<13>next');
  });

  it('a last message without LF is kept when its connection closes', async () => {
    const input = quietInput('tcp');
    await input.start();
    const got = receive(input, 2);
    const c = await tcpClient(input.port());
    c.end('<13>first\n<13>last without a newline');
    const events = await got;
    await input.close();
    expect(events.map((e) => e.line)).toEqual(['<13>first', '<13>last without a newline']);
    expect(events[1].truncated).toBeUndefined();
  });

  it('a short octet-counted frame is kept as text with a warning, not dropped', async () => {
    const warnings: string[] = [];
    const input = quietInput('tcp', warnings);
    await input.start();
    const got = receive(input, 2);
    const c = await tcpClient(input.port());
    c.end('9 <13>whole100 <13>cut short');
    const events = await got;
    await input.close();
    expect(events.map((e) => e.line)).toEqual(['<13>whole', '100 <13>cut short']);
    expect(warnings.join('\n')).toMatch(/octet-counted.*100 bytes/);
  });

  it('a 20 MB newline-free TCP stream is cut at the limit in bounded time and memory', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'collect', '--syslog-tcp', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => (out += s));
    let c: Socket | null = null;
    for (let i = 0; i < 100 && c === null; i++) {
      c = await tcpClient(port).catch(() => null);
      if (c === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(c).not.toBeNull();
    const before = rssMiB(child.pid!);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.pid!))), 50);
    const started = Date.now();
    const chunk = Buffer.alloc(64 * 1024, 'z');
    chunk.write('<13>', 0);
    for (let sent = 0; sent < 20 * 1024 * 1024; sent += chunk.length) await write(c!, chunk);
    await write(c!, '\n<13>after the flood\n');
    const deadline = Date.now() + 20_000;
    while (!out.includes('<13>after the flood') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const secs = (Date.now() - started) / 1000;
    clearInterval(sampler);
    c!.destroy();
    child.kill('SIGTERM');
    const lines = out
      .split('\n')
      .filter(Boolean)
      .slice(1)
      .map((l) => JSON.parse(l) as RawEvent);
    expect(lines.map((e) => [e.line.length, e.truncated ?? false])).toEqual([
      [DEFAULT_MAX_LINE_BYTES, true],
      ['<13>after the flood'.length, false],
    ]);
    expect(secs).toBeLessThan(10);
    // One limit's worth of message, its JSON text and a read buffer; not the 20 MB.
    expect(peak - before).toBeLessThan(64);
  });
});
