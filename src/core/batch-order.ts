/**
 * Batches of one source in flight together, in order. The store recognises a re-sent event by
 * its source's committed offset, a high-water mark: were a later batch committed before an
 * earlier one that failed and is retried, the earlier one's events would read as duplicates and
 * be lost. So a sender with several batches of a source out at once says, with each, which event
 * of that source it sent just before (`after`); the store appends the batch only once that event
 * is stored, and waits for it a while (the earlier batch may still be on its way) before it
 * answers that the sender should try again.
 */
import { UserError } from './errors.js';
import type { RawEvent } from './events.js';

/** The HTTP header carrying a batch's `after` (URI-encoded JSON), from collector to store. */
export const AFTER_HEADER = 'x-logpipe-after';

/** Per (source, generation): the offset of the event sent just before this batch's first one. */
export type After = [source: string, generation: string, offset: number][];

/**
 * Tracks what a sender has sent of each (source, generation), to tell each batch's `after`.
 * Events without an identity (empty generation) are never recognised as duplicates: they need
 * no order and are left out.
 */
export interface SendOrder {
  /** The batch's `after` (pairs never sent before have none); records the batch as sent. */
  next(events: readonly RawEvent[]): After;
  /** Forgets what was sent: later batches wait for nothing sent before (after a batch is lost). */
  reset(): void;
}

/** An empty record of what was sent. */
export function sendOrder(): SendOrder {
  let last = new Map<string, { source: string; generation: string; offset: number }>();
  return {
    next(events) {
      // A batch is runs of one file's lines: work is done once a run, not once an event.
      const after: After = [];
      const seen = new Set<string>();
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        const end =
          i + 1 === events.length ||
          events[i + 1].source !== e.source ||
          events[i + 1].generation !== e.generation;
        if (!end || e.generation === '') continue;
        const key = `${e.source}\0${e.generation}`;
        if (!seen.has(key)) {
          seen.add(key);
          const before = last.get(key);
          if (before !== undefined) after.push([before.source, before.generation, before.offset]);
        }
        last.set(key, { source: e.source, generation: e.generation, offset: e.offset });
      }
      return after;
    },
    reset() {
      last = new Map();
    },
  };
}

/** `after` as the header's value, or null when there is nothing to wait for. */
export function encodeAfter(after: After): string | null {
  return after.length === 0 ? null : encodeURIComponent(JSON.stringify(after));
}

/** A header's `after`; throws a UserError naming what is wrong with a malformed one. */
export function decodeAfter(header: string | undefined | null): After {
  if (header === undefined || header === null || header === '') return [];
  let v: unknown;
  try {
    v = JSON.parse(decodeURIComponent(header));
  } catch {
    throw new UserError(`${AFTER_HEADER} is not URI-encoded JSON`);
  }
  const ok =
    Array.isArray(v) &&
    v.every(
      (p) =>
        Array.isArray(p) &&
        p.length === 3 &&
        typeof p[0] === 'string' &&
        typeof p[1] === 'string' &&
        Number.isSafeInteger(p[2]) &&
        p[2] >= 0,
    );
  if (!ok) throw new UserError(`${AFTER_HEADER} must be a list of [source, generation, offset]`);
  return v as After;
}
