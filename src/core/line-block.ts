/**
 * LineBlock: one file's batch of lines kept as the bytes they were read from, with where each
 * line is. A file collector fills one per batch instead of making a RawEvent a line; the block
 * crosses to a parser thread in shared memory (nothing copied) and is decoded there, once, or on
 * the batch's first use of `events` by anything that wants RawEvents. Decoding follows the rules of
 * core/lines.ts: a block of ASCII bytes is decoded in one piece and its lines sliced from that
 * text; otherwise each line is decoded alone as UTF-8 (invalid bytes become U+FFFD).
 */
import { isAscii } from 'node:buffer';
import type { Ack, Batch, RawEvent } from './events.js';

/** What every line of one file shares (a RawEvent without its offset and line). */
export interface LineStamp {
  source: string;
  generation: string;
  received_at: number;
  host?: string;
  service?: string;
  format?: string;
}

/** A batch's lines as bytes. Plain data: it is posted to worker threads as it is. */
export interface LineBlock {
  stamp: LineStamp;
  /** The lines' bytes as read, newlines and all; bytes `used` and beyond are spare room. */
  bytes: Uint8Array;
  used: number;
  /** Lines in the block; the arrays below have room for more. */
  count: number;
  /** Line i is `bytes[starts[i], starts[i] + lengths[i])` (newline, `\r` and any cut part left out). */
  starts: Int32Array;
  lengths: Int32Array;
  /** The source offset of line i's first byte. */
  offsets: Float64Array;
  /** Indexes of the lines cut at the length limit, ascending: their events are flagged `truncated`. */
  cut: number[];
  /** Every byte added is ASCII, so the bytes decode as one text. */
  ascii: boolean;
}

/** A block's buffers, kept for the next block once its lines are used. */
interface BlockBuffers {
  bytes: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
  offsets: Float64Array;
}

/**
 * Buffers of blocks done with, for the next blocks. They are SharedArrayBuffers: a parser
 * thread reads them where they are, and V8 does not count them as external memory. A megabyte
 * a batch counted as external memory (allocated afresh, or moved to a worker and back) had V8
 * collect the whole heap every few batches: 13-21 full collections in a 1M-line `logpipe run`
 * against 5-8.
 */
const spare: BlockBuffers[] = [];
const MAX_SPARE = 16;
const EMPTY = new Uint8Array(0);

const sharedBytes = (n: number) => new Uint8Array(new SharedArrayBuffer(n));
const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(n * 4));
const sharedFloat64 = (n: number) => new Float64Array(new SharedArrayBuffer(n * 8));

/** An empty block with room for `lines` lines and `bytes` bytes (both grow as needed). */
export function newLineBlock(stamp: LineStamp, lines: number, bytes: number): LineBlock {
  const n = Math.max(1, lines);
  const top = spare.length > 0 ? spare[spare.length - 1] : undefined;
  const reuse = top !== undefined && top.bytes.length >= bytes ? spare.pop() : undefined;
  return {
    stamp: { ...stamp },
    bytes: reuse?.bytes ?? sharedBytes(Math.max(64, bytes)),
    used: 0,
    count: 0,
    starts: reuse !== undefined && reuse.starts.length >= n ? reuse.starts : sharedInt32(n),
    lengths: reuse !== undefined && reuse.lengths.length >= n ? reuse.lengths : sharedInt32(n),
    offsets: reuse !== undefined && reuse.offsets.length >= n ? reuse.offsets : sharedFloat64(n),
    cut: [],
    ascii: true,
  };
}

/**
 * Keeps a block's buffers for the next blocks, once nothing reads its lines any more (a parser
 * thread has answered for it). The block itself is emptied: its events can no longer be made.
 */
export function recycleBlock(b: LineBlock): void {
  if (b.bytes === EMPTY) return;
  if (spare.length < MAX_SPARE)
    spare.push({ bytes: b.bytes, starts: b.starts, lengths: b.lengths, offsets: b.offsets });
  b.bytes = EMPTY;
}

/** Copies `src[from, to)` onto the end of the block's bytes; returns where `src[from]` now is. */
export function addBytes(b: LineBlock, src: Uint8Array, from: number, to: number): number {
  const len = to - from;
  const at = b.used;
  if (at + len > b.bytes.length) {
    let cap = b.bytes.length * 2;
    while (cap < at + len) cap *= 2;
    const grown = sharedBytes(cap);
    grown.set(b.bytes.subarray(0, at));
    b.bytes = grown;
  }
  const part = src.subarray(from, to);
  b.bytes.set(part, at);
  if (b.ascii && !isAscii(part)) b.ascii = false;
  b.used = at + len;
  return at;
}

/** Notes a line at `start` in the block's bytes, `length` bytes long, at source `offset`. */
export function addLine(b: LineBlock, start: number, length: number, offset: number, cut: boolean): void {
  const i = b.count;
  if (i === b.starts.length) {
    const cap = i * 2;
    const starts = sharedInt32(cap);
    starts.set(b.starts);
    b.starts = starts;
    const lengths = sharedInt32(cap);
    lengths.set(b.lengths);
    b.lengths = lengths;
    const offsets = sharedFloat64(cap);
    offsets.set(b.offsets);
    b.offsets = offsets;
  }
  b.starts[i] = start;
  b.lengths[i] = length;
  b.offsets[i] = offset;
  if (cut) b.cut.push(i);
  b.count = i + 1;
}

/** The block's bytes decoded as one text when they are all ASCII; null otherwise. */
export function blockText(b: LineBlock): string | null {
  checkNotRecycled(b);
  if (!b.ascii) return null;
  return Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.used).toString('latin1', 0, b.used);
}

/** Line `i` as a RawEvent; `text` is `blockText(b)`, passed in so a caller decodes once. */
export function blockEvent(b: LineBlock, i: number, text: string | null, cut: boolean): RawEvent {
  const s = b.stamp;
  const start = b.starts[i];
  const end = start + b.lengths[i];
  const e: RawEvent = {
    source: s.source,
    generation: s.generation,
    offset: b.offsets[i],
    line:
      text !== null
        ? text.slice(start, end)
        : Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.used).toString('utf8', start, end),
    received_at: s.received_at,
  };
  if (s.host !== undefined) e.host = s.host;
  if (s.service !== undefined) e.service = s.service;
  if (s.format !== undefined) e.format = s.format;
  if (cut) e.truncated = true;
  return e;
}

/**
 * Lines `from` up to `to` (default: the end) as RawEvents; `text` is `blockText(b)`, passed in
 * so a caller taking the block in parts decodes it once.
 */
export function blockEvents(
  b: LineBlock,
  from = 0,
  to = b.count,
  text: string | null = blockText(b),
): RawEvent[] {
  const end = Math.min(to, b.count);
  const out = new Array<RawEvent>(Math.max(0, end - from));
  let c = 0;
  while (c < b.cut.length && b.cut[c] < from) c++;
  for (let i = from; i < end; i++) {
    const cut = c < b.cut.length && b.cut[c] === i;
    if (cut) c++;
    out[i - from] = blockEvent(b, i, text, cut);
  }
  return out;
}

/**
 * A batch of the block's lines whose `events` are decoded on first use. Decoded, it is a batch of
 * events like any other: `lines` goes, and the block's buffers serve the next block (memory V8
 * does not count waits long for a collection when nothing reuses it).
 */
export function blockBatch(lines: LineBlock, ack: Ack): Batch<RawEvent> {
  let events: RawEvent[] | null = null;
  const batch: Batch<RawEvent> = {
    lines,
    ack,
    get events() {
      if (events === null) {
        events = blockEvents(lines);
        batch.lines = undefined;
        recycleBlock(lines);
      }
      return events;
    },
  };
  return batch;
}

/** A batch's number of lines, without decoding a block. */
export function batchSize(b: Batch<RawEvent>): number {
  return b.lines !== undefined ? b.lines.count : b.events.length;
}

function checkNotRecycled(b: LineBlock): void {
  if (b.bytes === EMPTY && b.used > 0)
    throw new Error('this batch of lines was handed on and its buffers reused; its events are gone');
}
