/**
 * The rate schedule: when line i is due, and how many lines are due by a given time, for a steady
 * rate with optional periodic bursts. Pacing asks "how many are due now?" against the run's start,
 * never "how long since the last line?", so timer jitter and slow writes cannot add up to drift.
 */

/** Periodic bursts: every `everyMs`, for `lengthMs`, the rate is multiplied by `factor`. */
export interface BurstSpec {
  everyMs: number;
  lengthMs: number;
  factor: number;
}

/** A steady or bursty schedule of line due times. */
export interface Schedule {
  /** Lines per second outside bursts. */
  readonly rate: number;
  /** Milliseconds from the start at which line `i` (0-based) is due. */
  timeOf(i: number): number;
  /** How many lines are due by `tMs` from the start (line 0 is due at 0). */
  dueBy(tMs: number): number;
  /** How many lines are due strictly before `tMs`: the line count of a run lasting `tMs`. */
  countBefore(tMs: number): number;
  /** True when `tMs` falls within a burst. */
  inBurst(tMs: number): boolean;
}

// Absorbs floating-point error so that dueBy(timeOf(i)) always includes line i.
const EPS = 1e-6;

/** Builds a schedule for `rate` lines/s, optionally with bursts (the first burst starts after `everyMs`). */
export function createSchedule(rate: number, burst?: BurstSpec): Schedule {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be a positive number: ${rate}`);
  const perMs = rate / 1000;
  const P = burst ? burst.everyMs : Number.POSITIVE_INFINITY;
  const L = burst ? Math.min(burst.lengthMs, burst.everyMs) : 0;
  const F = burst ? burst.factor : 1;
  // "Effective" time counts burst milliseconds F times: lines due = effective time × rate.
  const effective = (t: number): number => {
    if (t < P) return t;
    const k = Math.floor(t / P);
    const inPeriod = t - k * P;
    return t + (F - 1) * ((k - 1) * L + Math.min(inPeriod, L));
  };
  const periodEffective = P + (F - 1) * L;
  const realOf = (x: number): number => {
    if (x < P) return x;
    const rest = x - P;
    const k = Math.floor(rest / periodEffective);
    const rem = rest - k * periodEffective;
    const base = P + k * P;
    return rem < F * L ? base + rem / F : base + L + (rem - F * L);
  };
  const dueBy = (t: number): number => (t < 0 ? 0 : Math.floor(effective(t) * perMs + EPS) + 1);
  const timeOf = (i: number): number => realOf(i / perMs);
  return {
    rate,
    timeOf,
    dueBy,
    countBefore(t) {
      let n = dueBy(t);
      while (n > 0 && timeOf(n - 1) >= t) n--;
      return n;
    },
    inBurst(t) {
      if (t < P) return false;
      return t - Math.floor(t / P) * P < L;
    },
  };
}
