/**
 * A RELP server (rsyslog's `omrelp`, librelp clients): syslog messages over TCP, each answered
 * (`TXNR rsp 6 200 OK`) only once the batch holding it has been acknowledged, which under
 * `logpipe run` and `logpipe up` means committed by the store. A sender keeps every message not
 * answered and sends it again when its session breaks, so nothing it was told was taken is
 * lost, and on a graceful stop nothing is taken twice: reading stops, what was read is stored
 * and answered, then each session is closed (`serverclose`) and the sender sends the rest to
 * the next run. A kill -9 leaves messages stored but not answered; they come again (at least
 * once). Frames are read by relp-framing.ts; a frame that breaks the protocol (or a command out
 * of place) gets one warning naming the peer and what was wrong, and the connection is closed.
 */
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
import {
  encodeRelpFrame,
  newRelpFrameState,
  nextTxnr,
  type RelpFrame,
  type RelpFrameState,
  readRelpFrames,
} from './relp-framing.js';
import { wholeOption } from './syslog.js';

export interface RelpInputOptions {
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one (see `port()` after start). */
  port: number;
  /** A message's bytes beyond this are cut (flagged truncated) and skipped. */
  maxLineBytes?: number;
  maxBatchLines?: number;
  maxBatchesInFlight?: number;
  /** A partial batch is handed out after this long. Default 100. */
  flushMs?: number;
  /** At close, how long a sender gets to close its side after `serverclose`. Default 2000. */
  closeGraceMs?: number;
  format?: string;
  service?: string;
  onWarning?: (msg: string) => void;
}

/** Counters of a RELP input. */
export interface RelpStats {
  messages: number;
  bytes: number;
  truncated: number;
  /** Messages answered 200 OK (stored). */
  answered: number;
  connections: number;
  /** Connections closed for breaking the protocol. */
  rejected: number;
  pendingBatches: number;
}

/** One client connection and where its session stands. */
interface Session {
  socket: Socket;
  peer: string;
  frames: RelpFrameState;
  opened: boolean;
  /** The transaction number the next frame must carry. */
  expect: number;
  /** Syslog frames taken and not answered yet. */
  unanswered: number;
  /** The client's `close`, answered once nothing is unanswered. */
  closeTxnr: number | null;
  /** Nothing more is read from it or answered on it. */
  ended: boolean;
  closed: Promise<void>;
}

/** Where a message came from: its session and transaction number. */
interface Origin {
  session: Session;
  txnr: number;
}

/** What logpipe offers in its answer to `open`: RELP version 0 and the syslog command. */
const OPEN_ANSWER = '200 OK\nrelp_version=0\nrelp_software=logpipe\ncommands=syslog';
const SERVER_CLOSE = encodeRelpFrame(0, 'serverclose');
/** Bytes of answers a client may leave unread before its connection is no longer read. */
const MAX_UNSENT_ANSWERS = 1024 * 1024;

/** A RELP listener; owns its socket from start() to close(). */
export class RelpInput {
  private readonly opts: Required<Omit<RelpInputOptions, 'format' | 'service'>> &
    Pick<RelpInputOptions, 'format' | 'service'>;
  private readonly queue: EventQueue;
  private readonly generation = streamGeneration();
  private source = '';
  private offset = 0;
  private server: Server | null = null;
  private readonly sessions = new Set<Session>();
  /** Messages handed out and not yet answered, by their offset. */
  private readonly origins = new Map<number, Origin>();
  private stopping = false;
  private counts = { messages: 0, bytes: 0, truncated: 0, answered: 0, rejected: 0 };

  /** Validates the options (ConfigError naming the key). */
  constructor(opts: RelpInputOptions) {
    if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
      throw new ConfigError('port', `expected a port number 0-65535, got ${opts.port}`);
    }
    this.opts = {
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
      flushMs: wholeOption('flushMs', opts.flushMs, 100, 0),
      closeGraceMs: wholeOption('closeGraceMs', opts.closeGraceMs, 2000, 0),
      format: opts.format,
      service: opts.service,
      onWarning: opts.onWarning ?? (() => {}),
    };
    this.queue = new EventQueue({
      maxBatchLines: this.opts.maxBatchLines,
      maxBatchesInFlight: this.opts.maxBatchesInFlight,
      flushMs: this.opts.flushMs,
      maxQueued: this.opts.maxBatchLines * 2,
      onAck: (events, err) => this.answer(events, err),
      waited: true,
    });
    this.queue.onSpace(() => {
      if (this.stopping) return;
      for (const s of this.sessions) {
        if (!s.ended && s.socket.writableLength <= MAX_UNSENT_ANSWERS) s.socket.resume();
      }
    });
  }

  /** Binds the socket; resolves with the source id (which names the bound address and port). */
  async start(): Promise<string> {
    const { host, port } = this.opts;
    const server = createServer((s) => this.onConnection(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.source = `relp:${host}:${this.port()}`;
    return this.source;
  }

  /** The bound port (after start). */
  port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : this.opts.port;
  }

  /** Yields batches of received messages until stop(). */
  batches(): AsyncGenerator<Batch<RawEvent>> {
    return this.queue.batches();
  }

  /**
   * Stops listening and reading: batches() finishes after what was read. Sessions stay open so
   * that what was read can still be answered once stored; close() ends them.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.server?.close();
    this.server = null;
    // A frame half read is dropped, unanswered: the sender sends it again.
    for (const s of this.sessions) s.socket.pause();
    this.queue.end();
  }

  /**
   * Stops, waits (a grace at most) for what was read to be answered, then closes every session
   * with `serverclose`: the sender keeps what was not answered and sends it to the next run.
   */
  async close(): Promise<void> {
    this.stop();
    const deadline = Date.now() + this.opts.closeGraceMs;
    while (this.origins.size > 0 && Date.now() < deadline) await sleep(20);
    await Promise.all([...this.sessions].map((s) => this.serverClose(s)));
  }

  /** Counters now. */
  stats(): RelpStats {
    return {
      ...this.counts,
      connections: this.sessions.size,
      pendingBatches: this.queue.pending().inFlight,
    };
  }

  private onConnection(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    let closedResolve = () => {};
    const session: Session = {
      socket,
      peer: `${socket.remoteAddress}:${socket.remotePort}`,
      frames: newRelpFrameState(),
      opened: false,
      expect: 1,
      unanswered: 0,
      closeTxnr: null,
      ended: false,
      closed: new Promise<void>((r) => (closedResolve = r)),
    };
    this.sessions.add(session);
    const onFrame = (f: RelpFrame) => this.onFrame(session, f);
    socket.on('data', (chunk: Buffer) => {
      if (session.ended || this.stopping) return;
      const err = readRelpFrames(session.frames, chunk, this.opts.maxLineBytes, onFrame);
      if (err !== null) this.reject(session, err);
      else if (this.queue.full() || socket.writableLength > MAX_UNSENT_ANSWERS) socket.pause();
    });
    // A client that does not read its answers is not read either, until it does.
    socket.on('drain', () => {
      if (!session.ended && !this.stopping && !this.queue.full()) socket.resume();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      session.ended = true;
      this.sessions.delete(session);
      closedResolve();
    });
  }

  private onFrame(session: Session, f: RelpFrame): void {
    if (session.ended) return;
    if (f.txnr !== session.expect) {
      this.reject(session, `transaction number ${f.txnr} out of sequence (expected ${session.expect})`);
      return;
    }
    session.expect = nextTxnr(f.txnr);
    if (f.command === 'syslog') {
      if (!session.opened) this.reject(session, 'a syslog frame before open');
      else if (session.closeTxnr !== null) this.reject(session, 'a syslog frame after close');
      else this.emit(session, f);
      return;
    }
    if (f.command === 'open') {
      if (session.opened) {
        this.reject(session, 'a second open');
        return;
      }
      session.opened = true;
      session.socket.write(encodeRelpFrame(f.txnr, 'rsp', OPEN_ANSWER));
      return;
    }
    if (f.command === 'close') {
      session.closeTxnr = f.txnr;
      this.finishClose(session);
      return;
    }
    this.reject(session, `unknown command "${f.command}" (logpipe takes open, syslog and close)`);
  }

  private emit(session: Session, f: RelpFrame): void {
    const buf = f.data;
    let end = buf.length;
    while (end > 0 && (buf[end - 1] === 10 || buf[end - 1] === 13 || buf[end - 1] === 0)) end--;
    const ev: RawEvent = {
      source: this.source,
      generation: this.generation,
      offset: this.offset,
      line: buf.toString('utf8', 0, end),
      received_at: Date.now(),
    };
    if (this.opts.service !== undefined) ev.service = this.opts.service;
    if (this.opts.format !== undefined) ev.format = this.opts.format;
    if (f.truncated) {
      ev.truncated = true;
      this.counts.truncated++;
    }
    this.origins.set(this.offset, { session, txnr: f.txnr });
    session.unanswered++;
    // Offsets count the frames' declared bytes (and one for the trailer): unique in this run.
    const size = f.declared + 1;
    this.offset += size;
    this.counts.messages++;
    this.counts.bytes += size;
    this.queue.push(ev);
  }

  /**
   * A batch's fate: each message stored is answered 200 OK on its session, in one write per
   * session. A batch not stored answers nothing: its sessions are closed, so their senders send
   * again what was not answered.
   */
  private answer(events: readonly RawEvent[], err?: Error): void {
    const out = new Map<Session, string[]>();
    const failed = new Set<Session>();
    for (const ev of events) {
      const o = this.origins.get(ev.offset);
      if (o === undefined) continue;
      this.origins.delete(ev.offset);
      o.session.unanswered--;
      if (o.session.ended) continue;
      if (err) {
        failed.add(o.session);
        continue;
      }
      let rsps = out.get(o.session);
      if (rsps === undefined) out.set(o.session, (rsps = []));
      rsps.push(`${o.txnr} rsp 6 200 OK\n`);
    }
    for (const [s, rsps] of out) {
      if (failed.has(s) || s.ended) continue;
      s.socket.write(rsps.join(''));
      this.counts.answered += rsps.length;
      this.finishClose(s);
    }
    for (const s of failed) {
      this.opts.onWarning(
        `${this.source}: messages from ${s.peer} were not stored (${err?.message}); closing the session so the sender sends them again`,
      );
      void this.serverClose(s);
    }
  }

  /** Answers the client's `close` once every message before it is answered, and ends the connection. */
  private finishClose(s: Session): void {
    if (s.closeTxnr === null || s.unanswered > 0 || s.ended) return;
    s.ended = true;
    s.socket.end(encodeRelpFrame(s.closeTxnr, 'rsp'));
  }

  /** A frame broke the protocol: one warning, and the connection is closed unanswered. */
  private reject(s: Session, why: string): void {
    if (s.ended) return;
    s.ended = true;
    this.counts.rejected++;
    this.opts.onWarning(`${this.source}: connection from ${s.peer}: ${why}; closing it`);
    s.socket.destroy();
  }

  /**
   * Sends `serverclose`, then reads (and drops) what the sender still sends until it closes its
   * side or the grace runs out: closing with unread data would reset the connection, and a reset
   * can lose the answers just sent, which the sender would take for messages not stored.
   */
  private async serverClose(s: Session): Promise<void> {
    if (s.socket.destroyed) return;
    s.ended = true;
    if (s.socket.writable) s.socket.end(SERVER_CLOSE);
    s.socket.resume();
    const timer = setTimeout(() => s.socket.destroy(), this.opts.closeGraceMs);
    await s.closed;
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
