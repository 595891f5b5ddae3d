/**
 * The tailer's line splitter: finds the lines of byte chunks in one scan per buffer
 * (`indexOf(10)`) and notes them in a LineBlock with their byte offsets, copying each chunk's
 * lines in one piece (no string and no object a line). Same rules as core/lines.ts: a trailing
 * `\r` is dropped, a line over the limit is cut at the limit, flagged `truncated`, and the rest
 * of it skipped. An unfinished line is carried until its newline arrives. Decoding (invalid
 * UTF-8 becomes U+FFFD) happens where the block's lines are used: core/line-block.ts.
 */
import { addBytes, addLine, type LineBlock } from '../core/line-block.js';

/** The splitter's state between chunks: plain data so it can live in a checkpoint's terms. */
export interface ScanState {
  /** Bytes of an unfinished line, or null. */
  carry: Buffer | null;
  /** File offset of the unfinished line's first byte (equals the scan position when no carry). */
  carryStart: number;
  /** Inside an over-long line whose kept part was already emitted. */
  skipping: boolean;
  /** Lines cut at the limit so far (a counter for metrics). */
  cut: number;
}

/** A fresh state starting at `offset`; `skipping` resumes inside an over-long line. */
export function newScanState(offset: number, skipping = false): ScanState {
  return { carry: null, carryStart: offset, skipping, cut: 0 };
}

/**
 * Scans `buf[start, end)`, whose first byte is at file offset `pos`, adding each complete line
 * to `out` until it holds `limit` lines. Returns the index scanned up to: `end`, or just past the
 * newline of the line that reached the limit.
 */
export function scanLines(
  st: ScanState,
  buf: Buffer,
  start: number,
  end: number,
  pos: number,
  maxLineBytes: number,
  out: LineBlock,
  limit: number,
): number {
  let i = start;
  let ended = false;
  if (st.skipping || st.carry !== null) {
    // The first newline ends a line carried over from the last buffer, or one being skipped.
    const nl = buf.indexOf(10, i);
    if (nl !== -1 && nl < end) {
      if (st.skipping) st.skipping = false;
      else {
        const line = Buffer.concat([st.carry!, buf.subarray(i, nl)]);
        st.carry = null;
        putLine(st, out, line, 0, line.length, st.carryStart, maxLineBytes);
      }
      i = nl + 1;
      st.carryStart = pos + (i - start);
      if (out.count >= limit) return i;
    } else ended = true;
  }
  if (!ended) {
    // The complete lines up to the limit (one at least): their ends found first, so that their
    // bytes are copied into the block in one piece.
    let found = 0;
    for (let j = i; j < end && (found === 0 || out.count + found < limit); ) {
      const nl = buf.indexOf(10, j);
      if (nl === -1 || nl >= end) break;
      if (found === ends.length) growEnds();
      ends[found++] = nl;
      j = nl + 1;
    }
    if (found > 0) {
      const at = addBytes(out, buf, i, ends[found - 1]) - i;
      for (let k = 0; k < found; k++) {
        const nl = ends[k];
        const cut = nl - i > maxLineBytes;
        if (cut) st.cut++;
        addLine(out, at + i, keptEnd(buf, i, nl, maxLineBytes) - i, pos + (i - start), cut);
        i = nl + 1;
      }
      st.carryStart = pos + (i - start);
      if (out.count >= limit) return i;
    }
  }
  if (i < end) {
    if (st.skipping) return end;
    // Keep at most one byte past the limit: enough to know the line must be cut.
    const room = maxLineBytes + 1 - (st.carry === null ? 0 : st.carry.length);
    const take = Math.min(end - i, room);
    const part = Buffer.from(buf.subarray(i, i + take)); // copy: `buf` is reused by the next read
    st.carry = st.carry === null ? part : Buffer.concat([st.carry, part]);
    if (st.carry.length > maxLineBytes) {
      putLine(st, out, st.carry, 0, st.carry.length, st.carryStart, maxLineBytes);
      st.carry = null;
      st.skipping = true;
    }
  }
  return end;
}

/** Newline positions of one scan, reused between scans. */
let ends = new Int32Array(8192);

function growEnds(): void {
  const grown = new Int32Array(ends.length * 2);
  grown.set(ends);
  ends = grown;
}

/** Adds the unfinished line, if any (a file that is done: released, or quiet at shutdown). */
export function flushCarry(st: ScanState, maxLineBytes: number, out: LineBlock): void {
  if (st.carry === null || st.carry.length === 0) return;
  const line = st.carry;
  putLine(st, out, line, 0, line.length, st.carryStart, maxLineBytes);
  st.carryStart += line.length;
  st.carry = null;
}

/** Offset where a restart must resume: the first byte not yet emitted as a line. */
export function resumeOffset(st: ScanState): number {
  return st.carryStart;
}

/** Adds `buf[start, end)` as a line: cut at the limit, or without a trailing `\r`. */
function putLine(
  st: ScanState,
  out: LineBlock,
  buf: Buffer,
  start: number,
  end: number,
  offset: number,
  max: number,
): void {
  const cut = end - start > max;
  if (cut) st.cut++;
  const e = keptEnd(buf, start, end, max);
  const at = addBytes(out, buf, start, e);
  addLine(out, at, e - start, offset, cut);
}

/** Where the line `buf[start, end)` ends once cut at the limit, or without a trailing `\r`. */
function keptEnd(buf: Buffer, start: number, end: number, max: number): number {
  if (end - start > max) return start + max;
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}
