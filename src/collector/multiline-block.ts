/**
 * Multi-line joining over a LineBlock without decoding it. Most blocks of a file that may carry
 * stack traces hold none: every line starts an event. Such a block is handed on as it is (the
 * parse thread decodes it, as for any file), with the event still pending from the block before
 * put first and the block's last line held back as the new pending event, since the next line
 * read may continue it. Only a block with a line that may continue the one before is decoded
 * here and joined line by line (multiline.ts).
 *
 * Measured on 1M Apache lines tailed by `logpipe run` with the `auto` rule: decoding every block
 * to RawEvents to join them cost about a third of the run's lines/s; this path keeps the block.
 */
import type { RawEvent } from '../core/events.js';
import {
  addBytes,
  addLine,
  blockEvent,
  blockEvents,
  type LineBlock,
  recycleBlock,
} from '../core/line-block.js';
import {
  autoContinues,
  type ContinuationRule,
  flushJoiner,
  type Joiner,
  javaContinues,
  joinLine,
  pythonContinues,
} from './multiline.js';

/** True for the built-in rules, whose continuation lines `mayContinue` can spot in bytes. */
export function knowsBytes(rule: ContinuationRule): boolean {
  return rule === autoContinues || rule === javaContinues || rule === pythonContinues;
}

/**
 * Puts the joiner's pending event at the front of an empty block, as its line 0, so the block
 * reads as the events in order. Returns whether it did.
 */
export function putPendingFirst(j: Joiner, b: LineBlock): boolean {
  const p = j.pending;
  if (p === null || b.count !== 0) return false;
  const bytes = Buffer.from(p.line, 'utf8');
  const at = addBytes(b, bytes, 0, bytes.length);
  addLine(b, at, bytes.length, p.offset, p.truncated === true);
  return true;
}

/**
 * Joins the lines of `b` (line 0 being the joiner's pending event when `pendingFirst`): the block
 * itself when no line continues another, else the joined events. The event the next read may
 * still continue stays pending in `j` unless the file is quiet (`flush`): read to its end, and
 * either quiet by the joiner's own clock (quietLongEnough) or last written (`writtenAt`, the
 * file's modification time) at least the timeout ago. The second is what the timeout promises
 * (no line came within it) and needs no wait: a file written long ago, caught up or imported,
 * lets its last event go at the read that ends it. Waiting the timeout there held the last trace
 * of each of 8 trace files of the real-shaped corpus for 1 s after the other 889,657 events were
 * stored (`logpipe run`, 6.0 s for all; bench/peers).
 */
export function joinBlock(
  j: Joiner,
  b: LineBlock,
  pendingFirst: boolean,
  now: number,
  flushAfterMs: number,
  atEnd: boolean,
  byteRules: boolean,
  writtenAt: number = now,
): RawEvent[] | LineBlock {
  const first = pendingFirst ? 1 : 0;
  const fresh = b.count > first;
  if (fresh) j.lastAt = now;
  const flush = atEnd && (now - writtenAt >= flushAfterMs || quietLongEnough(j, fresh, now, flushAfterMs));
  // Line 0 starts an event (it is the pending one, or nothing is pending): look from line 1 on.
  if (byteRules && !j.inTrace && (pendingFirst || j.pending === null) && !anyContinues(b, 1)) {
    if (flush || b.count === 0) {
      j.pending = null;
      j.cutting = false;
      return b;
    }
    const last = b.count - 1;
    if (last === 0 && pendingFirst) {
      b.count = 0; // nothing new: the pending event stays pending
      b.cut.length = 0;
      return b;
    }
    const cut = b.cut.length > 0 && b.cut[b.cut.length - 1] === last;
    if (cut) b.cut.pop();
    j.pending = blockEvent(b, last, null, cut);
    j.lines = 1;
    j.bytes = b.lengths[last];
    j.cutting = false;
    j.prevIndented = false;
    b.count = last;
    return b;
  }
  const events: RawEvent[] = [];
  for (const ev of blockEvents(b, first)) joinLine(j, ev, events, now);
  recycleBlock(b);
  if (j.pending !== null && flush) flushJoiner(j, events);
  return events;
}

/**
 * Whether a source read to its end lets its last event go. In a source whose lines have continued
 * others, once it has been quiet for the timeout; in one where none has, at the first read that
 * finds nothing new (a poll interval later: a trace written just after its first line still
 * joins it), since waiting the whole timeout there put it on every quiet moment's last line
 * (1M Apache lines, `logpipe run` ÷ rsyslog: 1.9x with the wait, bench/peers).
 */
function quietLongEnough(j: Joiner, fresh: boolean, now: number, flushAfterMs: number): boolean {
  return j.joined ? now - j.lastAt >= flushAfterMs : !fresh;
}

/** Whether any line from `from` on may continue the line before it. */
function anyContinues(b: LineBlock, from: number): boolean {
  const bytes = b.bytes;
  for (let i = from; i < b.count; i++) {
    if (mayContinue(bytes, b.starts[i], b.lengths[i])) return true;
  }
  return false;
}

const CAUSED = Buffer.from('Caused by:');
const SUPPRESSED = Buffer.from('Suppressed:');
const ELLIPSIS = Buffer.from('... ');
const TRACEBACK = Buffer.from('Traceback (most recent call last):');
const EXCEPTION = Buffer.from('Exception');
const ERROR = Buffer.from('Error');
const THROWABLE = Buffer.from('Throwable');

/**
 * True when the line at `bytes[s, s + len)` might continue an event by the Java or Python rule
 * (outside a traceback): indented, `Caused by:`, `Suppressed:`, `... `, a traceback's first line,
 * or a dotted name ending in Exception/Error/Throwable before `:` or the end. A superset of what
 * the rules accept: a line it passes is decided by the rule itself.
 */
export function mayContinue(bytes: Uint8Array, s: number, len: number): boolean {
  if (len === 0) return false;
  const c = bytes[s];
  if (c === 32 || c === 9) return true;
  if (c >= 48 && c <= 57) return false;
  if (c === 67) return startsWith(bytes, s, len, CAUSED) || nameShape(bytes, s, len);
  if (c === 83) return startsWith(bytes, s, len, SUPPRESSED) || nameShape(bytes, s, len);
  if (c === 84) return startsWith(bytes, s, len, TRACEBACK) || nameShape(bytes, s, len);
  if (c === 46) return startsWith(bytes, s, len, ELLIPSIS);
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36) return nameShape(bytes, s, len);
  return false;
}

function startsWith(bytes: Uint8Array, s: number, len: number, word: Uint8Array): boolean {
  if (len < word.length) return false;
  for (let k = 0; k < word.length; k++) if (bytes[s + k] !== word[k]) return false;
  return true;
}

/** `a.b.SomeException` (identifier characters and at least one dot) before `:` or the end. */
function nameShape(bytes: Uint8Array, s: number, len: number): boolean {
  const end = s + len;
  let i = s;
  let dot = false;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c === 46) dot = true;
    else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36))
      break;
  }
  if (!dot || (i < end && bytes[i] !== 58)) return false;
  return endsWith(bytes, s, i, EXCEPTION) || endsWith(bytes, s, i, ERROR) || endsWith(bytes, s, i, THROWABLE);
}

function endsWith(bytes: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s < word.length) return false;
  const from = e - word.length;
  for (let k = 0; k < word.length; k++) if (bytes[from + k] !== word[k]) return false;
  return true;
}
