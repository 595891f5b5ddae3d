/**
 * Gathers parsed batches into store-sized appends and resolves each batch's ack only after the
 * append that holds it has committed. Bounded: `write` waits while too much is queued, which
 * pushes back through the parser to the collector. A failing append (disk full, locked file) is
 * retried with backoff, never dropped; nothing is acknowledged that is not stored. A stop can be
 * bounded (`stopWithin`): what is still unstored then is given up, its acks told it failed, so
 * a file source's checkpoint stays before it and the next start reads it again.
 */
import type { Ack, LogEvent, RawEvent } from '../core/events.js';
import type { Logger } from '../core/log.js';
import type { EncodedEvents, RawParser, StorageEngine, WriteBatch } from '../core/storage.js';

export interface StoreWriterOptions {
  /** Events per append, at least (whole input batches are never split). */
  batchSize: number;
  /** A partial batch is appended after this long. */
  flushIntervalMs: number;
  /** Queued events beyond which `write` waits; default 2 × batchSize (see HIGH_WATER_BATCHES). */
  highWater?: number;
  log?: Logger;
}

export interface StoreWriterStats {
  stored: number;
  duplicates: number;
  appends: number;
  queued: number;
  retries: number;
  /** Events given up at a bounded stop (`stopWithin`): never stored, their acks failed. */
  unstored: number;
}

/** One append in the making: a store batch and the acks of the input batches it holds. */
interface Pending {
  batch: WriteBatch;
  acks: Ack[];
  /** A sender waits for one of its acks: appended once the append before it is done. */
  waited: boolean;
}

const MAX_BACKOFF_MS = 5000;

/**
 * Appends' worth of events queued before `write` waits: one appending, one filling. Each queued
 * store batch is its column buffers (about 3.5 MB for 10,000 access lines); at 4 a 1M-line
 * `logpipe run` peaked at 282–298 MiB, at 2 at 272–286 (three alternated pairs), with the same
 * lines/s (median ratio 1.02), as appends run one at a time anyway.
 */
const HIGH_WATER_BATCHES = 2;

export class StoreWriter {
  /** The batch taking writes; it moves to `ready` when full or when the flush interval passes. */
  private current: Pending | null = null;
  private readonly ready: Pending[] = [];
  private queued = 0;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private roomWaiters: (() => void)[] = [];
  private readonly highWater: number;
  private readonly counters: StoreWriterStats = {
    stored: 0,
    duplicates: 0,
    appends: 0,
    queued: 0,
    retries: 0,
    unstored: 0,
  };
  /** Set when a bounded stop ran out: the reason every batch from then on is given up. */
  private givenUp: Error | null = null;
  /** The last failed append's error, for the reason a bounded stop gives. */
  private lastError: Error | null = null;
  /** Ends the backoff sleep between retries early (a bounded stop ran out). */
  private wake: (() => void) | null = null;
  /** `stopWithin` was called: a closing writer gives up at its bound, not after a count of retries. */
  private bounded = false;

  constructor(
    private readonly store: StorageEngine,
    private readonly opts: StoreWriterOptions,
  ) {
    this.highWater = opts.highWater ?? opts.batchSize * HIGH_WATER_BATCHES;
  }

  /**
   * Queues a batch (events, or events a worker encoded for this store); resolves once it is
   * accepted (not yet committed: `ack` tells that). The events go into the store's batch at once,
   * in its write form, so the caller's copies can be dropped while they wait.
   */
  async write(events: readonly LogEvent[] | EncodedEvents, ack: Ack, waited = false): Promise<void> {
    const count = Array.isArray(events) ? events.length : (events as EncodedEvents).count;
    const cur = await this.open();
    if (cur === null) return this.refuse(count, [ack]);
    cur.batch.add(events);
    this.added(cur, count, ack, waited);
  }

  /**
   * Queues raw events to be parsed by `parse` as they go into the store's batch (the store may
   * read access lines itself, with no LogEvent between); otherwise as `write`.
   */
  async writeRaw(events: RawEvent[], parse: RawParser, ack: Ack, waited = false): Promise<void> {
    const cur = await this.open();
    if (cur === null) return this.refuse(events.length, [ack]);
    cur.batch.addRaw(events, parse);
    this.added(cur, events.length, ack, waited);
  }

  /** The batch taking writes, once there is room for more; null once a bounded stop gave up. */
  private async open(): Promise<Pending | null> {
    if (this.givenUp) return null;
    if (this.closing) throw new Error('store writer is closed');
    while (this.queued >= this.highWater) {
      await new Promise<void>((r) => this.roomWaiters.push(r));
      if (this.givenUp) return null;
    }
    if (this.closing) throw new Error('store writer is closed');
    if (this.current === null) this.current = { batch: this.store.batch(), acks: [], waited: false };
    return this.current;
  }

  /**
   * Counts what was added to `cur` and hands it on when full, after the flush interval, or, when
   * its sender waits for the ack (`waited`), as soon as no append runs: rsyslog's `omrelp` sends
   * a window of 128 messages and waits, and each window waited out RELP's 100 ms and this
   * 500 ms flush: 359 messages/s. Appends still run one at a time, so a sender that waits gets
   * one append (one fsync) per append's time at most, with what came meanwhile gathered into it.
   */
  private added(cur: Pending, count: number, ack: Ack, waited: boolean): void {
    cur.acks.push(ack);
    this.queued += count;
    if (waited) cur.waited = true;
    if (cur.batch.size >= this.opts.batchSize || (cur.waited && !this.running)) {
      this.seal();
      this.kick();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.seal();
        this.kick();
      }, this.opts.flushIntervalMs);
    }
  }

  /**
   * Bounds the stop: from `ms` on, what is not yet stored is given up instead of retried (a
   * full disk, a failing store), and writes still coming are refused the same way: their acks
   * are told it failed, so nothing is acknowledged that is not stored. Call before `close()`;
   * the returned function cancels the bound.
   */
  stopWithin(ms: number): () => void {
    this.bounded = true;
    const timer = setTimeout(() => this.giveUp(), ms);
    return () => clearTimeout(timer);
  }

  /** Why the last append failed, or null when the last one succeeded. */
  lastFailure(): string | null {
    return this.lastError?.message ?? null;
  }

  /** Appends everything queued, then stops taking writes. */
  async close(): Promise<void> {
    this.closing = true;
    this.seal();
    this.kick();
    while (this.running) await this.running;
  }

  stats(): StoreWriterStats {
    return { ...this.counters, queued: this.queued };
  }

  /** Hands the batch taking writes to the append queue. */
  private seal(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.current === null) return;
    this.ready.push(this.current);
    this.current = null;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      // A batch a sender waits on went on filling while the append ran: it goes now.
      if (this.current?.waited === true) this.seal();
      if (this.ready.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.ready.length > 0) {
      const p = this.ready[0];
      const n = p.batch.size;
      await this.appendWithRetry(p);
      this.ready.shift();
      this.queued -= n;
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async appendWithRetry(p: Pending): Promise<void> {
    let backoff = 100;
    for (;;) {
      if (this.givenUp) return this.refuse(p.batch.size, p.acks);
      try {
        const r = await this.store.append(p.batch);
        this.counters.stored += r.stored;
        this.counters.duplicates += r.duplicates;
        this.counters.appends++;
        this.lastError = null;
        for (const ack of p.acks) ack();
        return;
      } catch (err) {
        this.lastError = err as Error;
        if (this.givenUp) return this.refuse(p.batch.size, p.acks);
        this.counters.retries++;
        this.opts.log?.warn(`store append failed, retrying in ${backoff} ms: ${(err as Error).message}`);
        if (this.closing && !this.bounded && this.counters.retries > 20) {
          for (const ack of p.acks) ack(err as Error);
          throw err;
        }
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** A bounded stop ran out: stop retrying, refuse what is queued and what still comes. */
  private giveUp(): void {
    if (this.givenUp) return;
    const why = this.lastError ? `: ${this.lastError.message}` : '';
    this.givenUp = new Error(`stopped before the store took it${why}`);
    this.closing = true;
    this.seal();
    this.kick();
    this.wake?.();
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  /** Gives up events (their acks told they failed); they were never stored. */
  private refuse(count: number, acks: Ack[]): void {
    const err = this.givenUp as Error;
    this.counters.unstored += count;
    for (const ack of acks) ack(err);
  }

  /** Waits `ms`, or less when a bounded stop runs out meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
