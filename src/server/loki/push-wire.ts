/**
 * A Loki PushRequest read straight from its protobuf bytes (push-schema.ts names the fields) into
 * the streams the mapping takes (push-events.ts), checked as the mapping checks protobufjs'
 * decoded message: the same label sets, times and refusals, each naming its path. protobufjs built
 * a message object per entry and timestamp, and a Long per time, only for the mapping to read them
 * once.
 *
 * Where the wire holds what a well-formed message does not, protobufjs' decoded message is the
 * reference: the last occurrence of a field wins (a timestamp whole), unknown fields are skipped.
 * Unlike protobufjs, a field whose wire type is not its type's is skipped as unknown, a field
 * that runs past the end of its message is refused, and a string's invalid UTF-8 becomes U+FFFD.
 */
import { UserError } from '../../core/errors.js';
import type { Fields, LogEvent } from '../../core/events.js';
import {
  len,
  skip,
  text,
  varint32,
  varint64,
  WireError,
  wire,
  wireEnd,
  wireStart,
} from '../protobuf-wire.js';
import { parseLabels } from './labels.js';
import {
  bad,
  type Entry,
  entryMicros,
  type LokiContext,
  type StreamIn,
  setField,
  streamsToEvents,
} from './push-events.js';

/** An entry as the wire holds it, before its time is checked. */
interface WireEntry {
  /** Whether it has a timestamp (without one, its time is 0 and not checked). */
  timed: boolean;
  secLo: number;
  secHi: number;
  nanos: number;
  line: string;
  /** Structured metadata as name, value, name, value…, or null for none. */
  meta: string[] | null;
}

interface WireStream {
  labels: string;
  entries: WireEntry[];
}

// Field tags: (number << 3) | wire type 2 (length-delimited) or 0 (varint).
const LEN_1 = 0x0a;
const LEN_2 = 0x12;
const LEN_3 = 0x1a;
const VARINT_1 = 0x08;
const VARINT_2 = 0x10;

/** Maps a snappy-inflated protobuf push to events; throws UserError for a body that is not one. */
export function lokiProtobufToEvents(body: Uint8Array, ctx: LokiContext): LogEvent[] {
  let streams: WireStream[];
  wireStart(body);
  try {
    streams = pushRequest(wire.buf.length);
  } catch (err) {
    if (err instanceof WireError)
      throw new UserError(`the body is not a valid Loki PushRequest (${err.message})`);
    throw err;
  } finally {
    wireEnd();
  }
  return streamsToEvents(checked(streams), ctx);
}

function pushRequest(end: number): WireStream[] {
  const out: WireStream[] = [];
  while (wire.pos < end) {
    const t = varint32(end);
    if (t === LEN_1) {
      const e = len(end);
      out.push(stream(e));
      wire.pos = e;
    } else skip(t, end);
  }
  return out;
}

function stream(end: number): WireStream {
  const s: WireStream = { labels: '', entries: [] };
  while (wire.pos < end) {
    const t = varint32(end);
    if (t === LEN_1) s.labels = text(end);
    else if (t === LEN_2) {
      const e = len(end);
      s.entries.push(entry(e));
      wire.pos = e;
    } else skip(t, end);
  }
  return s;
}

function entry(end: number): WireEntry {
  const e: WireEntry = { timed: false, secLo: 0, secHi: 0, nanos: 0, line: '', meta: null };
  while (wire.pos < end) {
    const t = varint32(end);
    if (t === LEN_1) {
      // A timestamp given twice is the last one, whole (as protobufjs replaces the message).
      const te = len(end);
      e.timed = true;
      e.secLo = 0;
      e.secHi = 0;
      e.nanos = 0;
      timestamp(te, e);
      wire.pos = te;
    } else if (t === LEN_2) e.line = text(end);
    else if (t === LEN_3) {
      const pe = len(end);
      let name = '';
      let value = '';
      while (wire.pos < pe) {
        const u = varint32(pe);
        if (u === LEN_1) name = text(pe);
        else if (u === LEN_2) value = text(pe);
        else skip(u, pe);
      }
      wire.pos = pe;
      if (e.meta === null) e.meta = [name, value];
      else e.meta.push(name, value);
    } else skip(t, end);
  }
  return e;
}

function timestamp(end: number, e: WireEntry): void {
  while (wire.pos < end) {
    const t = varint32(end);
    if (t === VARINT_1) {
      varint64(end);
      e.secLo = wire.lo;
      e.secHi = wire.hi;
    } else if (t === VARINT_2) e.nanos = varint32(end) | 0;
    else skip(t, end);
  }
}

/** The streams with their labels read and their entries' times checked, in the mapping's order. */
function checked(streams: WireStream[]): StreamIn[] {
  const out: StreamIn[] = new Array(streams.length);
  for (let s = 0; s < streams.length; s++) {
    const path = `streams[${s}]`;
    const st = streams[s];
    const pairs = parseLabels(st.labels, `${path}.labels`);
    const entries: Entry[] = new Array(st.entries.length);
    for (let i = 0; i < st.entries.length; i++) {
      const w = st.entries[i];
      const ePath = `${path}.entries[${i}]`;
      let us = 0;
      if (w.timed) {
        // An int64 as a number, as Long's toNumber gives it; past 2^53 not a whole number.
        const seconds = (w.secHi | 0) * 4294967296 + w.secLo;
        if (!Number.isSafeInteger(seconds))
          throw bad(`${ePath}.timestamp.seconds`, 'expected a whole number');
        us = entryMicros(seconds, w.nanos, ePath);
      }
      let metadata: Fields | null = null;
      if (w.meta !== null) {
        metadata = {};
        for (let k = 0; k < w.meta.length; k += 2) setField(metadata, w.meta[k], w.meta[k + 1]);
      }
      entries[i] = { us, line: w.line, metadata };
    }
    out[s] = { pairs, entries };
  }
  return out;
}
