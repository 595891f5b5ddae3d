/**
 * A bounded queue between a push source (a socket, a stream) and `batches()`: events are handed
 * out in batches of at most `maxBatchLines`, at once when a batch is full or after `flushMs`
 * otherwise. Acknowledgements bound how many batches are out at a time; `full()` tells the
 * source to pause (TCP) or to count a drop (UDP), so memory stays bounded.
 */
import type { Batch, RawEvent } from '../../core/events.js';

export interface EventQueueOptions {
  maxBatchLines: number;
  maxBatchesInFlight: number;
  /** A partial batch is handed out after this long. */
  flushMs: number;
  /** Events held at most before full() says so. */
  maxQueued: number;
  /**
   * Told each batch's fate once its ack is called: its events, and the error when it was not
   * stored (a RELP input answers its sender only then).
   */
  onAck?: (events: readonly RawEvent[], err?: Error) => void;
  /**
   * The sender waits for each batch's ack (RELP): its batches say so (`Batch.waited`), and a
   * partial batch goes out once nothing more has come for `WAITED_IDLE_MS`, not after `flushMs`:
   * a sender that waits sends nothing more until it is answered.
   */
  waited?: boolean;
}

/**
 * How long a queue whose sender waits gathers after the last event came: a window of messages
 * arrives in a burst of reads well under this. rsyslog's `omrelp` with its default window of 128
 * waited out the whole 100 ms flush per window: 1,221 messages/s.
 */
const WAITED_IDLE_MS = 2;

/** Bounded event buffer with batched, acknowledged output; owned by one input. */
export class EventQueue {
  private events: RawEvent[] = [];
  private inFlight = 0;
  private ended = false;
  private wake: (() => void) | null = null;
  private readonly spaceListeners: Array<() => void> = [];

  constructor(private readonly opts: EventQueueOptions) {}

  /** Adds an event (the caller checks full() first when it can wait). */
  push(ev: RawEvent): void {
    this.events.push(ev);
    // Wake the reader on the first event (it starts its flush timer) and on a full batch.
    if (this.events.length === 1 || this.events.length >= this.opts.maxBatchLines) this.signal();
  }

  /** True when the source should stop sending until onSpace() fires. */
  full(): boolean {
    return this.events.length >= this.opts.maxQueued;
  }

  /** Calls `cb` every time room frees up after the queue was full. */
  onSpace(cb: () => void): void {
    this.spaceListeners.push(cb);
  }

  /** Events waiting plus batches not yet acknowledged, for stats. */
  pending(): { queued: number; inFlight: number } {
    return { queued: this.events.length, inFlight: this.inFlight };
  }

  /** No more events will come; batches() hands out what is left and finishes. */
  end(): void {
    this.ended = true;
    this.signal();
  }

  /** Yields batches until end() and the queue is empty. */
  async *batches(): AsyncGenerator<Batch<RawEvent>> {
    for (;;) {
      while (this.inFlight >= this.opts.maxBatchesInFlight) await this.waitFor(Number.POSITIVE_INFINITY);
      if (this.events.length === 0) {
        if (this.ended) return;
        await this.waitFor(Number.POSITIVE_INFINITY);
        continue;
      }
      if (this.events.length < this.opts.maxBatchLines && !this.ended) {
        if (this.opts.waited === true) await this.gatherWhileComing();
        else await this.waitFor(this.opts.flushMs); // gather a fuller batch, a short while at most
      }
      if (this.events.length === 0) continue;
      const wasFull = this.full();
      const events = this.events.splice(0, this.opts.maxBatchLines);
      this.inFlight++;
      let acked = false;
      const ack = (err?: Error) => {
        if (acked) return;
        acked = true;
        this.inFlight--;
        this.opts.onAck?.(events, err);
        this.signal();
      };
      if (wasFull && !this.full()) for (const cb of this.spaceListeners) cb();
      yield this.opts.waited === true ? { events, ack, waited: true } : { events, ack };
    }
  }

  /** Waits while events keep coming (none for WAITED_IDLE_MS ends it), up to `flushMs` in all. */
  private async gatherWhileComing(): Promise<void> {
    const until = performance.now() + this.opts.flushMs;
    for (;;) {
      const had = this.events.length;
      const left = until - performance.now();
      if (left <= 0 || had >= this.opts.maxBatchLines || this.ended) return;
      await this.waitFor(Math.min(WAITED_IDLE_MS, left));
      if (this.events.length === had) return;
    }
  }

  private waitFor(ms: number): Promise<void> {
    return new Promise((r) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => this.signal(), ms) : null;
      this.wake = () => {
        if (timer) clearTimeout(timer);
        r();
      };
    });
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/** A generation id unique to one run of a stream input (stdin, a syslog listener). */
export function streamGeneration(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
