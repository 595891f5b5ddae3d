/**
 * Time as the generator sees it: a monotonic clock for pacing, a wall clock for event times, and
 * sleep. Injectable so tests drive a run on simulated time instead of waiting for real seconds.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** The clock a run paces itself by. */
export interface Clock {
  /** Monotonic milliseconds (any origin); pacing is computed from differences only. */
  now(): number;
  /** Epoch milliseconds, for event timestamps when no start time is given. */
  wallNow(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: performance.now() for pacing, Date.now() for event times. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  sleep: async (ms, signal) => {
    if (signal?.aborted) return;
    try {
      await delay(ms, undefined, signal ? { signal } : undefined);
    } catch {
      // Aborted: the caller checks the signal itself.
    }
  },
};

/** A simulated clock: `sleep` advances time at once (plus an optional oversleep, as real timers do). */
export interface FakeClock extends Clock {
  /** Moves time forward without sleeping. */
  advance(ms: number): void;
  /** Every sleep requested so far, in ms. */
  readonly sleeps: number[];
}

/** Creates a simulated clock starting at monotonic 0 and wall time `wallStart`. */
export function createFakeClock(
  opts: { wallStart?: number; oversleep?: (requestedMs: number) => number } = {},
): FakeClock {
  let t = 0;
  const wallStart = opts.wallStart ?? 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    wallNow: () => wallStart + t,
    advance(ms) {
      t += ms;
    },
    async sleep(ms, signal) {
      sleeps.push(ms);
      if (signal?.aborted) return;
      t += ms + (opts.oversleep ? opts.oversleep(ms) : 0);
      // Let I/O callbacks run, as a real timer would.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}
