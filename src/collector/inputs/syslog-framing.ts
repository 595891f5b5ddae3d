/**
 * RFC 6587 framing of syslog over TCP: octet counting (`<len> <msg>`) and non-transparent
 * framing (messages ended by LF; a NUL trailer is tolerated), told apart per message by its
 * start: an octet count (RFC 6587's MSG-LEN: a digit 1 to 9, at most ten digits, then one space)
 * starts an octet-counted message; anything else (`<`, a `0`, digits without their space) a
 * newline-framed one. One scan per chunk; a message over `maxBytes` is cut, flagged, and the
 * rest of it skipped. Every message emitted lies within the buffer and `maxBytes`.
 */

/** One connection's framing state: plain data. */
export interface FrameState {
  /** Bytes of an unfinished frame. */
  carry: Buffer | null;
  /** Bytes still to skip of an over-long octet-counted message. */
  skipBytes: number;
  /** Inside an over-long newline-framed message: skip to its newline. */
  skipLine: boolean;
}

/** A fresh state for a new connection. */
export function newFrameState(): FrameState {
  return { carry: null, skipBytes: 0, skipLine: false };
}

/** Receives each complete message: its bytes `[start, end)` of `buf`, and whether it was cut. */
export type FrameSink = (buf: Buffer, start: number, end: number, truncated: boolean) => void;

const MAX_COUNT_DIGITS = 10;

/** Splits `chunk` into messages, calling `emit` for each; keeps partial frames in `st`. */
export function readFrames(st: FrameState, chunk: Buffer, maxBytes: number, emit: FrameSink): void {
  let data = chunk;
  if (st.carry !== null) {
    data = Buffer.concat([st.carry, chunk]);
    st.carry = null;
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
        st.carry = Buffer.from(data.subarray(i));
        return;
      }
      if (data[j] === 32) {
        const body = j + 1;
        if (n > maxBytes) {
          if (len - body < maxBytes) {
            st.carry = Buffer.from(data.subarray(i));
            return;
          }
          emit(data, body, body + maxBytes, true);
          const rest = n - maxBytes;
          const here = Math.min(rest, len - (body + maxBytes));
          st.skipBytes = rest - here;
          i = body + maxBytes + here;
          continue;
        }
        if (len - body < n) {
          st.carry = Buffer.from(data.subarray(i));
          return;
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
      st.carry = Buffer.from(data.subarray(i));
      return;
    }
    let end = nl;
    if (end > i && data[end - 1] === 13) end--;
    if (end - i > maxBytes) emit(data, i, i + maxBytes, true);
    else emit(data, i, end, false);
    i = nl + 1;
  }
}
