/**
 * Gathers parsed batches into store-sized appends and resolves each batch's ack only after the
 * append that holds it has committed. Bounded: `write` waits while too much is queued, which
 * pushes back through the parser to the collector. A failing append (disk full, locked file) is
 * retried with backoff, never dropped; nothing is acknowledged that is not stored.
 */
import type { Ack, LogEvent } from '../core/events.js';
import type { Logger } from '../core/log.js';
import type { StorageEngine } from '../core/storage.js';

export interface StoreWriterOptions {
  /** Events per append, at least (whole input batches are never split). */
  batchSize: number;
  /** A partial batch is appended after this long. */
  flushIntervalMs: number;
  /** Queued events beyond which `write` waits; default 4 × batchSize. */
  highWater?: number;
  log?: Logger;
}

export interface StoreWriterStats {
  stored: number;
  duplicates: number;
  appends: number;
  queued: number;
  retries: number;
}

interface Item {
  events: LogEvent[];
  ack: Ack;
}

const MAX_BACKOFF_MS = 5000;

export class StoreWriter {
  private readonly queue: Item[] = [];
  private queued = 0;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private due = false; // the flush interval has passed for what is queued
  private closing = false;
  private roomWaiters: (() => void)[] = [];
  private readonly highWater: number;
  private readonly counters: StoreWriterStats = {
    stored: 0,
    duplicates: 0,
    appends: 0,
    queued: 0,
    retries: 0,
  };

  constructor(
    private readonly store: StorageEngine,
    private readonly opts: StoreWriterOptions,
  ) {
    this.highWater = opts.highWater ?? opts.batchSize * 4;
  }

  /** Queues a batch; resolves once it is accepted (not yet committed: `ack` tells that). */
  async write(events: LogEvent[], ack: Ack): Promise<void> {
    if (this.closing) throw new Error('store writer is closed');
    while (this.queued >= this.highWater) await new Promise<void>((r) => this.roomWaiters.push(r));
    this.queue.push({ events, ack });
    this.queued += events.length;
    if (this.queued >= this.opts.batchSize) this.kick();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.due = true;
        this.kick();
      }, this.opts.flushIntervalMs);
    }
  }

  /** Appends everything queued, then stops taking writes. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.kick();
    while (this.running) await this.running;
  }

  stats(): StoreWriterStats {
    return { ...this.counters, queued: this.queued };
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.queue.length > 0 && (this.closing || this.queued >= this.opts.batchSize)) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && (this.closing || this.due || this.queued >= this.opts.batchSize)) {
      const items: Item[] = [];
      let n = 0;
      while (this.queue.length > 0 && n < this.opts.batchSize) {
        const item = this.queue.shift()!;
        items.push(item);
        n += item.events.length;
      }
      const events = items.length === 1 ? items[0].events : items.flatMap((i) => i.events);
      await this.appendWithRetry(events, items);
      this.queued -= n;
      if (this.queue.length === 0) this.due = false;
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async appendWithRetry(events: LogEvent[], items: Item[]): Promise<void> {
    let backoff = 100;
    for (;;) {
      try {
        const r = events.length > 0 ? await this.store.append(events) : { stored: 0, duplicates: 0 };
        this.counters.stored += r.stored;
        this.counters.duplicates += r.duplicates;
        this.counters.appends++;
        for (const i of items) i.ack();
        return;
      } catch (err) {
        this.counters.retries++;
        this.opts.log?.warn(`store append failed, retrying in ${backoff} ms: ${(err as Error).message}`);
        if (this.closing && this.counters.retries > 20) {
          for (const i of items) i.ack(err as Error);
          throw err;
        }
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }
}
