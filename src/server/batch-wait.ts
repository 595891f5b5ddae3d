/**
 * The store's side of batches sent in order (core/batch-order.ts): an ingest request names the
 * events sent just before its batch, and is appended only once those are stored. It waits for
 * them (the batch before it may still be parsed, or on its way) and is woken after each append.
 */
import type { After } from '../core/batch-order.js';
import type { StorageEngine } from '../core/storage.js';

/** Raised when the events a batch follows were not stored in time: the sender tries again. */
export class OutOfOrderError extends Error {}

/** Wakes the requests waiting for their predecessors; called after every append. */
export interface AppendSignal {
  /** Resolves at the next `notify`. */
  next(): Promise<void>;
  notify(): void;
}

/** A fresh signal. */
export function appendSignal(): AppendSignal {
  let waiters: (() => void)[] = [];
  return {
    next: () => new Promise<void>((r) => waiters.push(r)),
    notify() {
      const w = waiters;
      waiters = [];
      for (const r of w) r();
    },
  };
}

/** The first pair of `after` whose event is not stored yet, or null when all are. */
function missing(store: StorageEngine, after: After): After[number] | null {
  for (const pair of after) {
    const [source, generation, offset] = pair;
    const next = store
      .committedOffsets(generation)
      .find((p) => p.source === source && p.generation === generation);
    if (next === undefined || next.next <= offset) return pair;
  }
  return null;
}

/**
 * Resolves once every event `after` names is stored; rejects with an OutOfOrderError naming the
 * source when one is still missing after `timeoutMs`.
 */
export async function waitForPredecessors(
  store: StorageEngine,
  after: After,
  signal: AppendSignal,
  timeoutMs: number,
): Promise<void> {
  if (after.length === 0 || missing(store, after) === null) return;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((r) => {
    timer = setTimeout(() => r('expired'), timeoutMs);
  });
  try {
    for (;;) {
      const woke = await Promise.race([signal.next(), expired]);
      const gap = missing(store, after);
      if (gap === null) return;
      if (woke === 'expired') {
        throw new OutOfOrderError(
          `the batch before this one of ${gap[0]} (through offset ${gap[2]}) is not stored yet; send it first`,
        );
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
