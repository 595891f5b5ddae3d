/**
 * RFC 6587 framing of syslog over TCP: octet counting (`<len> <msg>`) and non-transparent
 * framing (messages ended by LF; a NUL trailer is tolerated), told apart per message by its
 * start: an octet count (RFC 6587's MSG-LEN: a digit 1 to 9, at most ten digits, then one space)
 * starts an octet-counted message; anything else (`<`, a `0`, digits without their space) a
 * newline-framed one. One scan per chunk; a message over `maxBytes` is cut, flagged, and the
 * rest of it skipped. Every message emitted lies within the buffer and `maxBytes`. An unfinished
 * frame is kept as the pieces it arrived in and joined once, when it completes, so a long frame
 * costs its length, not its length squared (issue #27: a newline-free stream was re-copied on
 * every chunk). When the connection ends, endFrames() hands out what is left.
 */

/** One connection's framing state: plain data. */
export interface FrameState {
  /** Bytes of an unfinished frame, in the pieces they came in. */
  parts: Buffer[];
  /** Their total length. */
  partsLen: number;
  /**
   * What the unfinished frame waits for: `line` its LF, `count` the rest of its octet count, or
   * (a number) the bytes, from its first one, that complete it.
   */
  waitFor: 'line' | 'count' | number;
  /** For an unfinished octet-counted frame: where its body starts, and the length it declared. */
  bodyAt: number;
  declared: number;
  /** Bytes still to skip of an over-long octet-counted message. */
  skipBytes: number;
  /** Inside an over-long newline-framed message: skip to its newline. */
  skipLine: boolean;
}

/** A fresh state for a new connection. */
export function newFrameState(): FrameState {
  return { parts: [], partsLen: 0, waitFor: 'line', bodyAt: 0, declared: 0, skipBytes: 0, skipLine: false };
}

/** Receives each complete message: its bytes `[start, end)` of `buf`, and whether it was cut. */
export type FrameSink = (buf: Buffer, start: number, end: number, truncated: boolean) => void;

/** An octet-counted frame the connection ended inside: body bytes received and declared. */
export interface ShortFrame {
  received: number;
  declared: number;
}

const MAX_COUNT_DIGITS = 10;

/** Splits `chunk` into messages, calling `emit` for each; keeps partial frames in `st`. */
export function readFrames(st: FrameState, chunk: Buffer, maxBytes: number, emit: FrameSink): void {
  let data = chunk;
  if (st.partsLen > 0) {
    if (!completes(st, chunk, maxBytes)) {
      st.parts.push(Buffer.from(chunk)); // a copy: the socket may reuse its buffer
      st.partsLen += chunk.length;
      return;
    }
    st.parts.push(chunk);
    data = Buffer.concat(st.parts, st.partsLen + chunk.length);
    st.parts = [];
    st.partsLen = 0;
  }
  let i = 0;
  const len = data.length;
  if (st.skipBytes > 0) {
    const n = Math.min(st.skipBytes, len);
    st.skipBytes -= n;
    i = n;
  }
  while (i < len) {
    if (st.skipLine) {
      const nl = data.indexOf(10, i);
      if (nl === -1) return;
      st.skipLine = false;
      i = nl + 1;
      continue;
    }
    const c = data[i];
    if (c === 10 || c === 13 || c === 0) {
      i++; // stray terminators between frames
      continue;
    }
    if (c >= 49 && c <= 57) {
      // Octet counting: digits (no leading zero), one space, then exactly that many bytes.
      let j = i;
      let n = 0;
      while (j < len && j - i < MAX_COUNT_DIGITS && data[j] >= 48 && data[j] <= 57) {
        n = n * 10 + (data[j] - 48);
        j++;
      }
      if (j === len) {
        keep(st, data, i, 'count');
        return;
      }
      if (data[j] === 32) {
        const body = j + 1;
        const want = Math.min(n, maxBytes);
        if (len - body < want) {
          keep(st, data, i, body - i + want);
          st.bodyAt = body - i;
          st.declared = n;
          return;
        }
        if (n > maxBytes) {
          emit(data, body, body + maxBytes, true);
          const rest = n - maxBytes;
          const here = Math.min(rest, len - (body + maxBytes));
          st.skipBytes = rest - here;
          i = body + maxBytes + here;
          continue;
        }
        emit(data, body, body + n, false);
        i = body + n;
        continue;
      }
      // Digits not followed by a space: a newline-framed message that starts with a digit.
    }
    const nl = data.indexOf(10, i);
    if (nl === -1) {
      if (len - i > maxBytes) {
        emit(data, i, i + maxBytes, true);
        st.skipLine = true;
        return;
      }
      keep(st, data, i, 'line');
      return;
    }
    let end = nl;
    if (end > i && data[end - 1] === 13) end--;
    if (end - i > maxBytes) emit(data, i, i + maxBytes, true);
    else emit(data, i, end, false);
    i = nl + 1;
  }
}

/**
 * The connection ended: emits what is left of an unfinished frame. A newline-framed message
 * without its LF is emitted as it is (as a file's last line is); an octet-counted frame cut short
 * is emitted as the text that came, count included, and described in the return value so the
 * caller can warn. Nothing is dropped without a word.
 */
export function endFrames(st: FrameState, maxBytes: number, emit: FrameSink): ShortFrame | null {
  if (st.partsLen === 0) return null;
  const data = Buffer.concat(st.parts, st.partsLen);
  const { waitFor, bodyAt, declared } = st;
  st.parts = [];
  st.partsLen = 0;
  st.waitFor = 'line';
  let end = data.length;
  if (typeof waitFor !== 'number' && data[end - 1] === 13) end--;
  if (end > 0) emit(data, 0, Math.min(end, maxBytes), end > maxBytes);
  return typeof waitFor === 'number' ? { received: data.length - bodyAt, declared } : null;
}

/** Keeps `data[from..]`, the start of a frame that waits for `waitFor`. */
function keep(st: FrameState, data: Buffer, from: number, waitFor: FrameState['waitFor']): void {
  st.parts = [Buffer.from(data.subarray(from))];
  st.partsLen = data.length - from;
  st.waitFor = waitFor;
}

/** Whether `chunk` completes the unfinished frame (or, for a line, brings it past the limit). */
function completes(st: FrameState, chunk: Buffer, maxBytes: number): boolean {
  const w = st.waitFor;
  if (w === 'count') return true; // a few digits so far: join them and read on
  if (w === 'line') return st.partsLen + chunk.length > maxBytes || chunk.indexOf(10) !== -1;
  return st.partsLen + chunk.length >= w;
}
