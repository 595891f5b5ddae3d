/**
 * Merges several batch sources into one stream, handing out each batch as it arrives (so one
 * quiet source never holds up another), until all of them have finished.
 */
import type { Batch, RawEvent } from '../../core/events.js';

/** Yields batches from every source as they come; finishes when all sources have finished. */
export async function* mergeBatches(
  sources: AsyncGenerator<Batch<RawEvent>>[],
): AsyncGenerator<Batch<RawEvent>> {
  type Next = { i: number; r: IteratorResult<Batch<RawEvent>> };
  const next = new Map<number, Promise<Next>>();
  for (const [i, s] of sources.entries())
    next.set(
      i,
      s.next().then((r) => ({ i, r })),
    );
  while (next.size > 0) {
    const { i, r } = await Promise.race(next.values());
    if (r.done) {
      next.delete(i);
      continue;
    }
    next.set(
      i,
      sources[i].next().then((x) => ({ i, r: x })),
    );
    yield r.value;
  }
}
