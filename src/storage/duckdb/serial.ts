/**
 * The store's ordering primitives: a queue that runs tasks one at a time in the order they came,
 * a flight that callers join while it runs, and the gate that keeps queries and the commits that
 * move rows apart.
 */

/** Runs tasks one at a time, each after every task queued before it; a failure stops no other. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every task queued before it; its result (or failure) is the caller's. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => {});
    return next;
  }

  /** Settles (never rejects) once every task queued so far has settled. */
  idle(): Promise<unknown> {
    return this.tail;
  }
}

/** One run of a task at a time: whoever asks while it runs gets the same promise. */
export class Flight<T> {
  private running: Promise<T> | null = null;

  /** The run in progress, or null. */
  get current(): Promise<T> | null {
    return this.running;
  }

  /** Joins the run in progress, or starts `fn` as the next one. */
  join(fn: () => Promise<T>): Promise<T> {
    if (!this.running) {
      this.running = fn().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }
}

/** A reader of the gate. */
export interface GateReader {
  /** Counted among the readers that commits wait for. */
  reading?: boolean;
}

/**
 * Readers (queries) and exclusive commits: a commit waits until no reader reads, and readers
 * that come while a commit waits or runs wait for it.
 */
export class CommitGate {
  /** Readers between `enter` and `leave`; commits wait until there are none. */
  private readers = 0;
  private drained: (() => void)[] = [];
  /** Set while a commit waits or runs: new readers wait for it. */
  private commit: Promise<void> | null = null;

  /** Counts `r` as reading, once no commit waits or runs. */
  async enter(r: GateReader): Promise<void> {
    while (this.commit) await this.commit;
    this.readers++;
    r.reading = true;
  }

  /** Ends what `enter` began (nothing when `r` is not reading). */
  leave(r: GateReader): void {
    if (!r.reading) return;
    r.reading = false;
    this.readers--;
    if (this.readers === 0) {
      const waiting = this.drained;
      this.drained = [];
      for (const w of waiting) w();
    }
  }

  /** Runs `fn` while no reader reads: after the readers reading when it starts, before new ones. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.commit) await this.commit;
    let open: () => void = () => {};
    this.commit = new Promise<void>((r) => {
      open = r;
    });
    try {
      while (this.readers > 0) await new Promise<void>((r) => this.drained.push(r));
      return await fn();
    } finally {
      this.commit = null;
      open();
    }
  }
}
