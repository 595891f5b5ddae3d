/**
 * Acknowledgements resolved in order, per file. Batches of one file are acknowledged in any
 * order, but the position that may be checkpointed moves only over the longest run of batches,
 * from the oldest, that are all acknowledged; a batch that failed stops it for good, so a
 * restart reads that batch (and every one after it) again.
 */

/** A batch handed out and not yet acknowledged; `end`/`skip` is where the file stands after it. */
export interface PendingBatch {
  end: number;
  skip: boolean;
  done: boolean;
  failed: boolean;
}

/** One file's acknowledgements: the batches out, oldest first, and what may be checkpointed. */
export interface OrderedAcks {
  pending: PendingBatch[];
  /** Everything before this offset was acknowledged. */
  offset: number;
  /** Resume inside an over-long line at `offset`: skip to its newline first. */
  skip: boolean;
  /** A batch failed: the position stays before it so a restart re-reads it. */
  stalled: boolean;
}

/** Acknowledgements of a file whose reading starts at `offset`. */
export function newOrderedAcks(offset: number, skip: boolean): OrderedAcks {
  return { pending: [], offset, skip, stalled: false };
}

/** Records a batch handed out, after which the file stands at `end` (`skip`). */
export function holdBatch(acks: OrderedAcks, end: number, skip: boolean): PendingBatch {
  const p: PendingBatch = { end, skip, done: false, failed: false };
  acks.pending.push(p);
  return p;
}

/** True while no batch of this file has failed: its first failure is the one worth a warning. */
export function noFailureYet(acks: OrderedAcks): boolean {
  return !acks.stalled && !acks.pending.some((q) => q.failed);
}

/**
 * Records `p`'s acknowledgement (`failed` when it was not delivered) and moves the position over
 * every batch acknowledged in order. True when the acknowledged run moved (the checkpoint has
 * something new to write); a second acknowledgement of one batch changes nothing.
 */
export function settleBatch(acks: OrderedAcks, p: PendingBatch, failed: boolean): boolean {
  if (p.done) return false;
  p.done = true;
  if (failed) p.failed = true;
  let moved = false;
  while (acks.pending.length > 0 && acks.pending[0].done) {
    const q = acks.pending.shift()!;
    if (q.failed) acks.stalled = true;
    if (!acks.stalled) {
      acks.offset = q.end;
      acks.skip = q.skip;
      moved = true;
    }
  }
  return moved;
}
