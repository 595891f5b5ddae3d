/**
 * The tailer's line splitter: turns byte chunks into RawEvents in one scan per buffer
 * (`indexOf(10)`), keeping each line's byte offset. Same rules as core/lines.ts: a trailing
 * `\r` is dropped, invalid UTF-8 becomes U+FFFD, a line over the limit is cut at the limit,
 * flagged `truncated`, and the rest of it skipped. An unfinished line is carried until its
 * newline arrives.
 */
import { isAscii } from 'node:buffer';
import type { RawEvent, TextRun } from '../core/events.js';

/** What every event of one file shares, set once per file. */
export interface EventStamp {
  source: string;
  generation: string;
  received_at: number;
  host?: string;
  service?: string;
  format?: string;
}

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
 * Scans `buf[start, end)`, whose first byte is at file offset `pos`, appending one event per
 * complete line to `out` until `out` holds `limit` events. Returns the index scanned up to:
 * `end`, or just past the newline of the event that reached the limit. When `runs` is given, each
 * ASCII run of lines decoded in one piece is noted there (see TextRun).
 */
export function scanLines(
  st: ScanState,
  buf: Buffer,
  start: number,
  end: number,
  pos: number,
  maxLineBytes: number,
  stamp: EventStamp,
  out: RawEvent[],
  limit: number,
  runs: TextRun[] | null = null,
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
        out.push(makeEvent(st, line, 0, line.length, st.carryStart, maxLineBytes, stamp, null, 0));
      }
      i = nl + 1;
      st.carryStart = pos + (i - start);
      if (out.length >= limit) return i;
    } else ended = true;
  }
  if (!ended) {
    // The complete lines up to the limit (one at least), their ends found first so that an
    // ASCII run of them (the common case) is decoded in one native call and each line sliced
    // from that text, instead of a call and a copy a line.
    const ends: number[] = [];
    for (let j = i; j < end && (ends.length === 0 || out.length + ends.length < limit); ) {
      const nl = buf.indexOf(10, j);
      if (nl === -1 || nl >= end) break;
      ends.push(nl);
      j = nl + 1;
    }
    if (ends.length > 0) {
      const from = i;
      const to = ends[ends.length - 1];
      const text = isAscii(buf.subarray(from, to)) ? buf.toString('latin1', from, to) : null;
      if (text !== null && runs !== null)
        runs.push({ text, first: out.length, count: ends.length, base: pos + (from - start) });
      for (let k = 0; k < ends.length; k++) {
        out.push(makeEvent(st, buf, i, ends[k], pos + (i - start), maxLineBytes, stamp, text, from));
        i = ends[k] + 1;
      }
      st.carryStart = pos + (i - start);
      if (out.length >= limit) return i;
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
      out.push(makeEvent(st, st.carry, 0, st.carry.length, st.carryStart, maxLineBytes, stamp, null, 0));
      st.carry = null;
      st.skipping = true;
    }
  }
  return end;
}

/** Emits the unfinished line, if any (a file that is done: released, or quiet at shutdown). */
export function flushCarry(st: ScanState, maxLineBytes: number, stamp: EventStamp, out: RawEvent[]): void {
  if (st.carry === null || st.carry.length === 0) return;
  const line = st.carry;
  out.push(makeEvent(st, line, 0, line.length, st.carryStart, maxLineBytes, stamp, null, 0));
  st.carryStart += line.length;
  st.carry = null;
}

/** Offset where a restart must resume: the first byte not yet emitted as a line. */
export function resumeOffset(st: ScanState): number {
  return st.carryStart;
}

function makeEvent(
  st: ScanState,
  buf: Buffer,
  start: number,
  end: number,
  offset: number,
  max: number,
  stamp: EventStamp,
  /** `buf` decoded from `textAt` on, when it is ASCII there; null to decode the line alone. */
  text: string | null,
  textAt: number,
): RawEvent {
  let e = end;
  let cut = false;
  if (e - start > max) {
    e = start + max;
    cut = true;
    st.cut++;
  } else if (e > start && buf[e - 1] === 13) {
    e--;
  }
  const ev: RawEvent = {
    source: stamp.source,
    generation: stamp.generation,
    offset,
    line: text !== null ? text.slice(start - textAt, e - textAt) : buf.toString('utf8', start, e),
    received_at: stamp.received_at,
  };
  if (stamp.host !== undefined) ev.host = stamp.host;
  if (stamp.service !== undefined) ev.service = stamp.service;
  if (stamp.format !== undefined) ev.format = stamp.format;
  if (cut) ev.truncated = true;
  return ev;
}
