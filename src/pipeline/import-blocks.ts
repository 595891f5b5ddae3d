/**
 * An imported file's lines read as LineBlocks, the bytes they were read from, for a parse worker
 * to decode, parse and encode where they lie (shared memory): the import's thread makes no
 * string and no object a line. Continuation lines (stack traces) are still joined here, on
 * strings, in the blocks that may hold one; a block in which no line can continue an event
 * (each starts with a digit, a bracket or another byte no built-in rule continues on, as every
 * line of an access log does) goes whole. 1M access lines (2026-12-07): the import's thread
 * had spent 1.3 s making, joining and posting line strings, and the garbage collector more.
 */
import {
  flushCarry,
  flushJoiner,
  type Joiner,
  joinLine,
  newScanState,
  scanLines,
} from '../collector/index.js';
import type { RawEvent } from '../core/events.js';
import {
  blockEvent,
  blockEvents,
  type LineBlock,
  type LineStamp,
  newLineBlock,
  recycleBlock,
} from '../core/line-block.js';

/** Where blocks go, in order: whole, or as the events made of their lines once joined. */
export interface BlockSink {
  block(b: LineBlock): Promise<void>;
  events(raws: RawEvent[]): Promise<void>;
}

/** Continuation lines joined with `joiner`; `byFirstByte`: its rule is a built-in one (see neverContinued). */
export interface BlockJoining {
  joiner: Joiner;
  byFirstByte: boolean;
}

/** Lines a block holds at most, and bytes it starts with room for (it is sent at about that). */
const BLOCK_LINES = 8192;
const BLOCK_BYTES = 1024 * 1024;

/**
 * Reads `text` (whose first byte is at offset 0) as blocks of lines stamped `stamp`, cut at
 * `maxLineBytes` as core/lines.ts cuts them, and hands them to `sink` in order. Resolves with the
 * lines read. The joiner's last pending event is left in it, for the caller to flush.
 */
export async function readBlocks(
  text: AsyncIterable<Buffer>,
  stamp: LineStamp,
  maxLineBytes: number,
  joining: BlockJoining | null,
  sink: BlockSink,
  onLines: (lines: number) => void,
): Promise<void> {
  const st = newScanState(0);
  let pos = 0;
  let block = newLineBlock(stamp, BLOCK_LINES, BLOCK_BYTES);
  try {
    for await (const chunk of text) {
      let i = 0;
      while (i < chunk.length) {
        i = scanLines(st, chunk, i, chunk.length, pos + i, maxLineBytes, block, BLOCK_LINES);
        if (block.count >= BLOCK_LINES || block.used >= BLOCK_BYTES) {
          const full = block;
          block = newLineBlock(stamp, BLOCK_LINES, BLOCK_BYTES);
          onLines(full.count);
          await send(full, joining, sink);
        }
      }
      pos += chunk.length;
    }
    flushCarry(st, maxLineBytes, block);
  } catch (err) {
    recycleBlock(block);
    throw err;
  }
  if (block.count === 0) {
    recycleBlock(block);
    return;
  }
  onLines(block.count);
  await send(block, joining, sink);
}

async function send(b: LineBlock, joining: BlockJoining | null, sink: BlockSink): Promise<void> {
  if (joining === null) return sink.block(b);
  const { joiner } = joining;
  if (!joining.byFirstByte || !neverContinued(b)) {
    const lines = blockEvents(b);
    recycleBlock(b);
    const joined: RawEvent[] = [];
    for (const ev of lines) joinLine(joiner, ev, joined, 0);
    return sink.events(joined);
  }
  // No line of the block continues an event: the pending one is whole. The last line is kept
  // back, as the joiner's pending event: the next block's first line may continue it.
  const before: RawEvent[] = [];
  flushJoiner(joiner, before);
  const last = b.count - 1;
  const cut = b.cut.length > 0 && b.cut[b.cut.length - 1] === last;
  const held = blockEvent(b, last, null, cut);
  b.count = last;
  if (cut) b.cut.pop();
  joinLine(joiner, held, before, 0);
  if (before.length > 0) await sink.events(before);
  if (b.count > 0) await sink.block(b);
  else recycleBlock(b);
}

/**
 * Whether no line of the block can continue an event under the built-in rules (auto, java,
 * python: collector/multiline.ts), whatever the joiner's state: every line is non-empty and
 * starts with a byte none of them continues on. They continue only on an empty line (in a
 * Python trace), an indented one (space, tab), `... N more`, or a line starting with an ASCII
 * letter, `_` or `$` (`Caused by:`, `Traceback`, exception class names, `During handling`).
 */
function neverContinued(b: LineBlock): boolean {
  const bytes = b.bytes;
  for (let i = 0; i < b.count; i++) {
    if (b.lengths[i] === 0) return false;
    const c = bytes[b.starts[i]];
    if (c === 32 || c === 9 || c === 46 || c === 95 || c === 36) return false;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return false;
  }
  return true;
}
