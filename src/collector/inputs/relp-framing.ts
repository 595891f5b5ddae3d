/**
 * RELP framing (the Reliable Event Logging Protocol of rsyslog's omrelp and librelp):
 * `TXNR SP COMMAND SP DATALEN [SP DATA] TRAILER`, TRAILER a LF. TXNR and DATALEN are at most
 * nine digits, COMMAND 1 to 32 letters; DATA is present only when DATALEN is above 0. A frame's
 * DATA beyond `maxData` bytes is not held: the first `maxData` bytes are handed out, flagged
 * truncated, and the rest skipped as it streams by, so a frame costs at most `maxData` bytes of
 * memory whatever it declares. Anything else (a letter in a number, a 33-letter command, no LF
 * after the data) is a protocol error: reading stops there and the error says what was wrong.
 *
 * Headers are read a byte at a time (a few dozen bytes a frame); DATA is taken as one slice of
 * the chunk when it lies within it, and joined once from its pieces when it does not.
 */

/** One frame read. `data` lies in a buffer the caller must copy from before returning. */
export interface RelpFrame {
  txnr: number;
  command: string;
  data: Buffer;
  /** DATA was longer than `maxData` and was cut there. */
  truncated: boolean;
  /** DATALEN as the frame declared it. */
  declared: number;
}

/** Receives each whole frame, in order. */
export type RelpFrameSink = (frame: RelpFrame) => void;

const MAX_NUMBER_DIGITS = 9;
const MAX_COMMAND_BYTES = 32;
const EMPTY = Buffer.alloc(0);

type Phase = 'txnr' | 'command' | 'datalen' | 'data' | 'trailer';

/** One connection's reading state: plain data. */
export interface RelpFrameState {
  phase: Phase;
  /** Digits or letters read of the field being read. */
  count: number;
  txnr: number;
  command: string;
  datalen: number;
  /** DATA kept so far (at most maxData bytes), in the pieces it came in. */
  parts: Buffer[];
  kept: number;
  /** DATA bytes still to come, kept or skipped. */
  remaining: number;
  /** Whether the frame is cut: its DATA is over maxData. */
  cut: boolean;
}

/** A fresh state for a new connection. */
export function newRelpFrameState(): RelpFrameState {
  return {
    phase: 'txnr',
    count: 0,
    txnr: 0,
    command: '',
    datalen: 0,
    parts: [],
    kept: 0,
    remaining: 0,
    cut: false,
  };
}

/** True between frames: nothing of a frame has been read. */
export function atFrameStart(st: RelpFrameState): boolean {
  return st.phase === 'txnr' && st.count === 0;
}

/**
 * Reads `chunk`, handing each whole frame to `emit`. Returns null, or the protocol error that
 * stopped reading (the rest of the chunk and of the connection is not to be read).
 */
export function readRelpFrames(
  st: RelpFrameState,
  chunk: Buffer,
  maxData: number,
  emit: RelpFrameSink,
): string | null {
  const len = chunk.length;
  let i = 0;
  while (i < len) {
    switch (st.phase) {
      case 'txnr':
      case 'datalen': {
        const c = chunk[i];
        if (c >= 48 && c <= 57) {
          if (st.count === MAX_NUMBER_DIGITS) return `${fieldName(st.phase)} longer than 9 digits`;
          if (st.phase === 'txnr') st.txnr = st.txnr * 10 + (c - 48);
          else st.datalen = st.datalen * 10 + (c - 48);
          st.count++;
          i++;
          break;
        }
        if (st.count === 0) return `expected a digit of the ${fieldName(st.phase)}, got ${show(c)}`;
        if (st.phase === 'txnr') {
          if (c !== 32) return `expected a space after the transaction number, got ${show(c)}`;
          st.phase = 'command';
          st.count = 0;
          i++;
          break;
        }
        // After DATALEN: a LF ends a frame without data, a space starts the data.
        if (st.datalen === 0) {
          st.phase = 'trailer';
          break; // the trailer check reads this byte
        }
        if (c !== 32) return `expected a space after the data length, got ${show(c)}`;
        i++;
        st.phase = 'data';
        st.remaining = st.datalen;
        st.cut = st.datalen > maxData;
        break;
      }
      case 'command': {
        const c = chunk[i];
        if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
          if (st.count === MAX_COMMAND_BYTES) return 'command longer than 32 letters';
          st.command += String.fromCharCode(c);
          st.count++;
          i++;
          break;
        }
        if (st.count === 0 || c !== 32) return `expected a letter of the command or a space, got ${show(c)}`;
        st.phase = 'datalen';
        st.count = 0;
        i++;
        break;
      }
      case 'data': {
        const take = Math.min(st.remaining, len - i);
        const keep = Math.min(take, maxData - st.kept);
        if (keep > 0) {
          // A frame whose data and trailer lie in this chunk gets a view of it, read before this
          // returns; a piece of a frame that goes on is copied (the socket may reuse the chunk).
          const piece = chunk.subarray(i, i + keep);
          const whole = st.parts.length === 0 && take === st.remaining && i + take < len;
          st.parts.push(whole ? piece : Buffer.from(piece));
          st.kept += keep;
        }
        st.remaining -= take;
        i += take;
        if (st.remaining === 0) st.phase = 'trailer';
        break;
      }
      case 'trailer': {
        const c = chunk[i];
        if (c !== 10) return `expected LF after ${st.datalen} bytes of data, got ${show(c)}`;
        i++;
        const data =
          st.parts.length === 0
            ? EMPTY
            : st.parts.length === 1
              ? st.parts[0]
              : Buffer.concat(st.parts, st.kept);
        const frame: RelpFrame = {
          txnr: st.txnr,
          command: st.command,
          data,
          truncated: st.cut,
          declared: st.datalen,
        };
        reset(st);
        emit(frame);
        break;
      }
    }
  }
  return null;
}

/** A frame to send: `txnr command datalen[ data]\n`. */
export function encodeRelpFrame(txnr: number, command: string, data = ''): string {
  const n = Buffer.byteLength(data);
  return n === 0 ? `${txnr} ${command} 0\n` : `${txnr} ${command} ${n} ${data}\n`;
}

/** The transaction number after `txnr` (they wrap from 999,999,999 to 1). */
export function nextTxnr(txnr: number): number {
  return txnr >= 999_999_999 ? 1 : txnr + 1;
}

function reset(st: RelpFrameState): void {
  st.phase = 'txnr';
  st.count = 0;
  st.txnr = 0;
  st.command = '';
  st.datalen = 0;
  st.parts = [];
  st.kept = 0;
  st.remaining = 0;
  st.cut = false;
}

function fieldName(phase: Phase): string {
  return phase === 'txnr' ? 'transaction number' : 'data length';
}

function show(c: number): string {
  return c >= 33 && c <= 126 ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
