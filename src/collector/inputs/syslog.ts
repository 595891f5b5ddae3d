/**
 * Syslog inputs over UDP and TCP (RFC 3164 and RFC 5424 messages; on TCP, RFC 6587 octet
 * counting or newline framing). Each message becomes a RawEvent holding the message as
 * received — parsing it is the parser's job — with source `syslog:udp:127.0.0.1:5514`.
 * TCP connections pause while the queue is full; UDP cannot push back, so datagrams that
 * arrive while it is full are counted as dropped and reported.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import {
  DEFAULT_BATCH_LINES,
  DEFAULT_BATCHES_IN_FLIGHT,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_SYSLOG_HOST,
} from '../../core/defaults.js';
import { ConfigError } from '../../core/errors.js';
import type { Batch, RawEvent } from '../../core/events.js';
import { EventQueue, streamGeneration } from './event-queue.js';
import { endFrames, newFrameState, readFrames } from './syslog-framing.js';

export interface SyslogInputOptions {
  protocol: 'udp' | 'tcp';
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one (see `address()` after start). */
  port: number;
  maxLineBytes?: number;
  maxBatchLines?: number;
  maxBatchesInFlight?: number;
  /** A partial batch is handed out after this long. Default 200. */
  flushMs?: number;
  format?: string;
  service?: string;
  onWarning?: (msg: string) => void;
}

type ResolvedSyslogOptions = Required<Omit<SyslogInputOptions, 'format' | 'service'>> &
  Pick<SyslogInputOptions, 'format' | 'service'>;

/**
 * Fills in defaults and checks every value (ConfigError naming the key). Each default is taken
 * with `??`, never by spreading the options over the defaults: `logpipe collect --quiet` passes
 * `onWarning: undefined`, and a spread let that `undefined` replace the default (issue #27).
 */
function resolveSyslogOptions(opts: SyslogInputOptions): ResolvedSyslogOptions {
  if (opts.protocol !== 'udp' && opts.protocol !== 'tcp') {
    throw new ConfigError('protocol', `expected "udp" or "tcp", got ${JSON.stringify(opts.protocol)}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new ConfigError('port', `expected a port number 0-65535, got ${opts.port}`);
  }
  return {
    protocol: opts.protocol,
    host: opts.host ?? DEFAULT_SYSLOG_HOST,
    port: opts.port,
    maxLineBytes: wholeOption('maxLineBytes', opts.maxLineBytes, DEFAULT_MAX_LINE_BYTES, 1),
    maxBatchLines: wholeOption('maxBatchLines', opts.maxBatchLines, DEFAULT_BATCH_LINES, 1),
    maxBatchesInFlight: wholeOption(
      'maxBatchesInFlight',
      opts.maxBatchesInFlight,
      DEFAULT_BATCHES_IN_FLIGHT,
      1,
    ),
    flushMs: wholeOption('flushMs', opts.flushMs, 200, 0),
    format: opts.format,
    service: opts.service,
    onWarning: opts.onWarning ?? (() => {}),
  };
}

/** An optional whole-number option: its default when absent, else at least `min` (ConfigError naming `key`). */
export function wholeOption(key: string, v: number | undefined, def: number, min: number): number {
  if (v === undefined) return def;
  if (!Number.isSafeInteger(v) || v < min)
    throw new ConfigError(key, `expected a whole number >= ${min}, got ${v}`);
  return v;
}

/**
 * At a stop, TCP connections are read on until their sender goes quiet this long, or closes its
 * side, and for this long at most (docs/ingest.md: what plain TCP can promise).
 */
const DRAIN_QUIET_MS = 300;
const DRAIN_MAX_MS = 2000;

/** Counters of a syslog input. */
export interface SyslogStats {
  messages: number;
  bytes: number;
  /** UDP datagrams dropped because the queue was full. */
  dropped: number;
  truncated: number;
  connections: number;
  pendingBatches: number;
}

/** A syslog listener; owns its socket from start() to close(). */
export class SyslogInput {
  private readonly opts: ResolvedSyslogOptions;
  private readonly queue: EventQueue;
  private readonly generation = streamGeneration();
  private source = '';
  private offset = 0;
  private udp: UdpSocket | null = null;
  private tcp: Server | null = null;
  /** Open TCP connections, each with what ends its framing (emits an unfinished last message). */
  private readonly sockets = new Map<Socket, () => void>();
  private counts = { messages: 0, bytes: 0, dropped: 0, truncated: 0 };
  private lastDropWarning = 0;
  /** When a TCP connection last sent something (the drain at stop waits for quiet). */
  private lastData = 0;
  /** Set by stop(): resolves once every connection is drained and closed. */
  private drained: Promise<void> | null = null;

  /** Validates the options (ConfigError naming the key). */
  constructor(opts: SyslogInputOptions) {
    this.opts = resolveSyslogOptions(opts);
    this.queue = new EventQueue({
      maxBatchLines: this.opts.maxBatchLines,
      maxBatchesInFlight: this.opts.maxBatchesInFlight,
      flushMs: this.opts.flushMs,
      maxQueued: this.opts.maxBatchLines * 2,
    });
    this.queue.onSpace(() => {
      for (const s of this.sockets.keys()) s.resume();
    });
  }

  /** Binds the socket; resolves with the source id (which names the bound address and port). */
  async start(): Promise<string> {
    const { host, port } = this.opts;
    if (this.opts.protocol === 'udp') {
      const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      this.udp = sock;
      sock.on('message', (msg) => this.onDatagram(msg));
      sock.on('error', (err) => this.opts.onWarning(`syslog udp: ${err.message}`));
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(port, host, () => {
          sock.off('error', reject);
          resolve();
        });
      });
      this.source = `syslog:udp:${host}:${sock.address().port}`;
    } else {
      const server = createServer((s) => this.onConnection(s));
      this.tcp = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const addr = server.address();
      this.source = `syslog:tcp:${host}:${typeof addr === 'object' && addr ? addr.port : port}`;
    }
    return this.source;
  }

  /** The bound port (after start). */
  port(): number {
    const a = this.udp ? this.udp.address() : this.tcp?.address();
    return typeof a === 'object' && a ? a.port : this.opts.port;
  }

  /** Yields batches of received messages until stop(). */
  batches(): AsyncGenerator<Batch<RawEvent>> {
    return this.queue.batches();
  }

  /**
   * Stops listening; batches() finishes after what was received. TCP has no acknowledgements:
   * what a sender wrote before it learned of the stop is on its way or in the socket's buffer,
   * and closing a socket with unread bytes resets it, losing them. So each connection is
   * half-closed (rsyslog and syslog-ng notice a closed connection before their next write and
   * send that message again on a new one) and read on until the sender closes its side, or
   * sends nothing for DRAIN_QUIET_MS, or DRAIN_MAX_MS have passed; only then is it closed.
   */
  stop(): void {
    if (this.drained) return;
    this.udp?.close();
    this.udp = null;
    this.tcp?.close();
    this.tcp = null;
    this.drained = this.drain().then(() => this.queue.end());
  }

  /** Stops (see stop()) and waits until every connection is drained and closed. */
  async close(): Promise<void> {
    this.stop();
    await this.drained;
  }

  private async drain(): Promise<void> {
    const until = Date.now() + DRAIN_MAX_MS;
    for (const s of this.sockets.keys()) {
      s.end();
      s.resume();
    }
    while (this.sockets.size > 0 && Date.now() < until && Date.now() - this.lastData < DRAIN_QUIET_MS) {
      await new Promise((r) => setTimeout(r, 20));
    }
    // What a connection sent before it was cut is kept, as when it closes by itself.
    for (const [s, finish] of this.sockets) {
      finish();
      s.destroy();
    }
    this.sockets.clear();
  }

  /** Counters now. */
  stats(): SyslogStats {
    const p = this.queue.pending();
    return { ...this.counts, connections: this.sockets.size, pendingBatches: p.inFlight };
  }

  private onDatagram(msg: Buffer): void {
    if (this.queue.full()) {
      this.counts.dropped++;
      const now = Date.now();
      if (now - this.lastDropWarning > 10_000) {
        this.lastDropWarning = now;
        this.opts.onWarning(`${this.source}: queue full, ${this.counts.dropped} datagram(s) dropped so far`);
      }
      return;
    }
    let end = msg.length;
    while (end > 0 && (msg[end - 1] === 10 || msg[end - 1] === 13 || msg[end - 1] === 0)) end--;
    if (end === 0) return;
    const cut = end > this.opts.maxLineBytes;
    this.emit(msg, 0, cut ? this.opts.maxLineBytes : end, cut, msg.length);
  }

  private onConnection(s: Socket): void {
    const st = newFrameState();
    const max = this.opts.maxLineBytes;
    const sink = (buf: Buffer, start: number, end: number, truncated: boolean) => {
      const size = end - start + 1;
      // An octet-counted message may end in its sender's newline (rsyslog's RFC 5424 templates
      // end in LF): it is no part of the message, as on UDP.
      let e = end;
      while (e > start && (buf[e - 1] === 10 || buf[e - 1] === 13 || buf[e - 1] === 0)) e--;
      if (e > start) this.emit(buf, start, e, truncated, size);
      else this.offset += size;
    };
    const peer = `${s.remoteAddress}:${s.remotePort}`;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      const short = endFrames(st, max, sink);
      if (short) {
        this.opts.onWarning(
          `${this.source}: connection from ${peer} ended ${short.received} bytes into an octet-counted message of ${short.declared} bytes; kept what arrived as text`,
        );
      }
    };
    this.sockets.set(s, finish);
    s.on('data', (chunk: Buffer) => {
      this.lastData = Date.now();
      readFrames(st, chunk, max, sink);
      if (this.queue.full() && this.drained === null) s.pause();
    });
    s.on('end', finish);
    s.on('error', () => {});
    s.on('close', () => {
      if (this.sockets.delete(s)) finish();
    });
  }

  private emit(buf: Buffer, start: number, end: number, truncated: boolean, size: number): void {
    const ev: RawEvent = {
      source: this.source,
      generation: this.generation,
      offset: this.offset,
      line: buf.toString('utf8', start, end),
      received_at: Date.now(),
    };
    if (this.opts.service !== undefined) ev.service = this.opts.service;
    if (this.opts.format !== undefined) ev.format = this.opts.format;
    if (truncated) {
      ev.truncated = true;
      this.counts.truncated++;
    }
    this.offset += size;
    this.counts.messages++;
    this.counts.bytes += size;
    this.queue.push(ev);
  }
}
