/**
 * An OTLP ExportLogsServiceRequest read straight from its protobuf bytes into LogEvents, for the
 * fields logpipe keeps (logs-schema.ts names them), with the mapping of logs-events.ts: the same
 * events, fields in the same order, the same refusals. protobufjs built a message object per
 * record, attribute and value (and a Long per time) only for the mapper to read them once:
 * decoding and mapping the bench's requests (bench/otlp.bench.ts) took 0.76 CPU s per 100,000
 * records that way, 0.24 this way.
 *
 * Where the wire holds what a well-formed message does not, protobufjs' decoded message is the
 * reference: the last occurrence of a field wins, an AnyValue holding several members is read
 * as the one of lowest field number (as the mapper picks), unknown fields are skipped. Unlike
 * protobufjs, a field whose wire type is not its type's is skipped as unknown, and a field that
 * runs past the end of its message is refused.
 */
import { inTimeRange } from '../../core/civil-time.js';
import { UserError } from '../../core/errors.js';
import type { Fields, LogEvent } from '../../core/events.js';
import {
  type BaseFields,
  baseFields,
  bodyMessage,
  levelOf,
  MAX_VALUE_DEPTH,
  type OtlpDecoded,
  type OtlpIdentity,
  put,
  takeString,
} from './logs-events.js';

/** The bytes are not a protobuf message. */
class WireError extends Error {}

/** A value refused (too deep, not a number), `rel` its path below the attribute or body. */
class ValueError extends Error {
  constructor(
    readonly rel: string,
    readonly what: string,
  ) {
    super(what);
  }
}

// The reader's state: the body and the position in it. Reading is synchronous, one body at a
// time per thread, so module state serves (no reader object for every nested message).
let buf: Buffer = Buffer.alloc(0);
let pos = 0;
// The two halves of the last 64-bit varint or fixed64 read.
let lo = 0;
let hi = 0;

const EMPTY = Buffer.alloc(0);

/** Maps a protobuf export request to events; throws UserError for a body that is not one. */
export function otlpProtobufToEvents(body: Uint8Array, id: OtlpIdentity): OtlpDecoded {
  buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  pos = 0;
  const out: OtlpDecoded = { events: [], rejected: 0, reason: '' };
  const state: State = { id, out, offset: 0 };
  try {
    const end = buf.length;
    let r = 0;
    while (pos < end) {
      const t = tag(end);
      if (t === 0x0a) {
        const e = len(end);
        resourceLogs(e, r++, state);
        pos = e;
      } else skip(t, end);
    }
  } catch (err) {
    if (err instanceof WireError)
      throw new UserError(`the body is not a valid OTLP ExportLogsServiceRequest (${err.message})`);
    throw err;
  } finally {
    buf = EMPTY;
  }
  return out;
}

interface State {
  id: OtlpIdentity;
  out: OtlpDecoded;
  /** The next record's offset: its place in the request, rejected records counted. */
  offset: number;
}

function resourceLogs(end: number, r: number, state: State): void {
  const start = pos;
  // The resource first, wherever the wire puts it: the records need its service and host.
  let resStart = -1;
  let resEnd = -1;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x0a) {
      resEnd = len(end);
      resStart = pos;
      pos = resEnd;
    } else skip(t, end);
  }
  const resFields: Fields = {};
  if (resStart >= 0) {
    pos = resStart;
    let a = 0;
    while (pos < resEnd) {
      const t = tag(resEnd);
      if (t === 0x0a) keyValueAt(resFields, '', resEnd, `resourceLogs[${r}].resource.attributes`, a++);
      else skip(t, resEnd);
    }
  }
  const service = takeString(resFields, 'service.name');
  const host = takeString(resFields, 'host.name');
  pos = start;
  let s = 0;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x12) {
      const e = len(end);
      scopeLogs(e, r, s++, service, host, resFields, state);
      pos = e;
    } else skip(t, end);
  }
}

function scopeLogs(
  end: number,
  r: number,
  s: number,
  service: string | null,
  host: string | null,
  resFields: Fields,
  state: State,
): void {
  const start = pos;
  let scopeStart = -1;
  let scopeEnd = -1;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x0a) {
      scopeEnd = len(end);
      scopeStart = pos;
      pos = scopeEnd;
    } else skip(t, end);
  }
  const scopeFields: Fields = {};
  if (scopeStart >= 0) scope(scopeStart, scopeEnd, r, s, scopeFields);
  const merged: Fields = { ...resFields, ...scopeFields };
  const base: BaseFields = { keys: Object.keys(merged), values: Object.values(merged) };
  pos = start;
  let i = 0;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x12) {
      const e = len(end);
      const ev = logRecord(e, r, s, i++, service, host, base, state);
      if (ev !== null) state.out.events.push(ev);
      pos = e;
    } else skip(t, end);
  }
}

/** The scope's name and version, then its attributes prefixed `scope.`, as the mapper orders them. */
function scope(start: number, end: number, r: number, s: number, fields: Fields): void {
  let name = '';
  let version = '';
  pos = start;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x0a || t === 0x12) {
      const e = len(end);
      const value = text(pos, e);
      if (t === 0x0a) name = value;
      else version = value;
      pos = e;
    } else skip(t, end);
  }
  if (name) fields['scope.name'] = name;
  if (version) fields['scope.version'] = version;
  pos = start;
  let a = 0;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x1a)
      keyValueAt(fields, 'scope.', end, `resourceLogs[${r}].scopeLogs[${s}].scope.attributes`, a++);
    else skip(t, end);
  }
}

/** Reads a resource's or scope's attribute (its tag just read); `path` names the list in an error. */
function keyValueAt(fields: Fields, prefix: string, end: number, path: string, index: number): void {
  const e = len(end);
  try {
    keyValueInto(fields, prefix, e);
  } catch (err) {
    if (err instanceof ValueError) throw bad(`${path}[${index}].value${err.rel}`, err.what);
    throw err;
  }
  pos = e;
}

/**
 * A KeyValue as a field; skipped when its key is empty or it holds no value. `slot` is its place
 * among a record's attributes (-1 elsewhere), where its key is looked for among the last ones.
 */
function keyValueInto(fields: Fields, prefix: string, end: number, slot = -1): void {
  let key = '';
  let valueStart = -1;
  let valueEnd = -1;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x0a) {
      const e = len(end);
      key = slot >= 0 ? keyText(pos, e, slot) : text(pos, e);
      pos = e;
    } else if (t === 0x12) {
      valueEnd = len(end);
      valueStart = pos;
      pos = valueEnd;
    } else skip(t, end);
  }
  if (key === '' || valueStart < 0) return;
  pos = valueStart;
  put(fields, prefix + key, anyValue(valueEnd, 0));
}

function logRecord(
  end: number,
  r: number,
  s: number,
  i: number,
  service: string | null,
  host: string | null,
  base: BaseFields,
  state: State,
): LogEvent | null {
  const offset = state.offset++;
  const fields = baseFields(base);
  let timeLo = 0;
  let timeHi = 0;
  let seenLo = 0;
  let seenHi = 0;
  let severity = 0;
  let severityText = '';
  let eventName = '';
  let flags = 0;
  let bodyStart = -1;
  let bodyEnd = -1;
  let traceStart = -1;
  let traceEnd = -1;
  let spanStart = -1;
  let spanEnd = -1;
  let attr = 0;
  while (pos < end) {
    const t = tag(end);
    switch (t) {
      case 0x09: // time_unix_nano, fixed64
        fixed64(end);
        timeLo = lo;
        timeHi = hi;
        break;
      case 0x10: // severity_number, an enum (int32)
        severity = varint32(end) | 0;
        break;
      case 0x1a: {
        const e = len(end);
        severityText = text(pos, e);
        pos = e;
        break;
      }
      case 0x2a: // body, read once the record is known to be kept
        bodyEnd = len(end);
        bodyStart = pos;
        pos = bodyEnd;
        break;
      case 0x32: {
        // Attributes in the order they come, after the resource's and the scope's fields.
        const e = len(end);
        try {
          keyValueInto(fields, '', e, attr);
        } catch (err) {
          if (err instanceof ValueError)
            throw bad(`${recordPath(r, s, i)}.attributes[${attr}].value${err.rel}`, err.what);
          throw err;
        }
        attr++;
        pos = e;
        break;
      }
      case 0x45: // flags, fixed32
        if (pos + 4 > end) throw truncated();
        flags = buf.readUInt32LE(pos);
        pos += 4;
        break;
      case 0x4a:
        traceEnd = len(end);
        traceStart = pos;
        pos = traceEnd;
        break;
      case 0x52:
        spanEnd = len(end);
        spanStart = pos;
        pos = spanEnd;
        break;
      case 0x59: // observed_time_unix_nano, fixed64
        fixed64(end);
        seenLo = lo;
        seenHi = hi;
        break;
      case 0x62: {
        const e = len(end);
        eventName = text(pos, e);
        pos = e;
        break;
      }
      default:
        skip(t, end);
    }
  }
  const traceId = hexId(traceStart, traceEnd, 16);
  const spanId = hexId(spanStart, spanEnd, 8);
  if (traceId === null || spanId === null) {
    const out = state.out;
    out.rejected++;
    if (out.reason === '') {
      out.reason =
        traceId === null
          ? `${recordPath(r, s, i)}.traceId: a trace id is 16 bytes (32 hex digits)`
          : `${recordPath(r, s, i)}.spanId: a span id is 8 bytes (16 hex digits)`;
    }
    return null;
  }
  if (traceId !== '') fields.trace_id = traceId;
  if (spanId !== '') fields.span_id = spanId;
  if (flags) fields.trace_flags = flags;
  if (severityText) fields.severity_text = severityText;
  if (eventName) fields.event_name = eventName;
  const level = levelOf(severity, severityText);

  let ts = nanosToMicros(timeLo, timeHi);
  if (ts === 0) ts = nanosToMicros(seenLo, seenHi);
  if (ts === 0 || !inTimeRange(ts)) {
    if (ts !== 0) fields.ts_out_of_range = true;
    ts = Math.round(state.id.nowMs * 1000);
    fields.ts_source = 'received';
  }

  let message = '';
  if (bodyStart >= 0) {
    pos = bodyStart;
    let body: unknown;
    try {
      body = anyValue(bodyEnd, 0);
    } catch (err) {
      if (err instanceof ValueError) throw bad(`${recordPath(r, s, i)}.body${err.rel}`, err.what);
      throw err;
    }
    message = bodyMessage(fields, body);
  }
  return {
    ts,
    level,
    service,
    host,
    source: state.id.source,
    generation: state.id.generation,
    offset,
    format: 'otlp',
    message,
    fields,
    raw: message,
  };
}

function recordPath(r: number, s: number, i: number): string {
  return `resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`;
}

/** A fixed64 nanosecond time as µs, exactly; 0 when unset (as the mapper's nanosToMicros). */
function nanosToMicros(low: number, high: number): number {
  // hi·2^32/1000 = hi·4,294,967 + hi·296/1000, exact in doubles while hi is below 2^30 (2116).
  if (high < 0x40000000) return high * 4_294_967 + Math.floor((high * 296 + low) / 1000);
  return Number(((BigInt(high) << 32n) | BigInt(low)) / 1000n);
}

/** A trace or span id's bytes as hex; '' when absent or empty, null when of another length. */
function hexId(start: number, end: number, bytes: number): string | null {
  if (start < 0 || end === start) return '';
  return end - start === bytes ? buf.toString('hex', start, end) : null;
}

/** The wire type each AnyValue member (by field number) is written with. */
const ANY_WIRE = [-1, 2, 0, 0, 1, 2, 2, 2];

/**
 * An AnyValue (from `pos` to `end`) as plain data, as the mapper's anyValue gives it: string,
 * boolean, number (or a decimal string for a 64-bit integer past 2^53), array, object, or null
 * when it holds none. Of several members the one of lowest field number counts.
 */
function anyValue(end: number, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new ValueError('', `values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  let best = 8;
  let at = -1;
  let stop = -1;
  let vLo = 0;
  let vHi = 0;
  while (pos < end) {
    const t = tag(end);
    const f = t >>> 3;
    if (f >= 1 && f <= 7 && (t & 7) === ANY_WIRE[f]) {
      const w = t & 7;
      if (w === 2) {
        const e = len(end);
        if (f <= best) {
          best = f;
          at = pos;
          stop = e;
        }
        pos = e;
      } else if (w === 0) {
        varint64(end);
        if (f <= best) {
          best = f;
          vLo = lo;
          vHi = hi;
        }
      } else {
        if (pos + 8 > end) throw truncated();
        if (f <= best) {
          best = f;
          at = pos;
        }
        pos += 8;
      }
    } else skip(t, end);
  }
  switch (best) {
    case 1:
      return text(at, stop);
    case 2:
      return vLo !== 0 || vHi !== 0;
    case 3:
      return int64(vLo, vHi);
    case 4: {
      const d = buf.readDoubleLE(at);
      if (Number.isNaN(d)) throw new ValueError('.doubleValue', 'expected a number');
      return d;
    }
    case 5:
      return arrayValue(at, stop, depth);
    case 6:
      return kvlistValue(at, stop, depth);
    case 7:
      return buf.toString('base64', at, stop);
    default:
      return null;
  }
}

function arrayValue(start: number, end: number, depth: number): unknown[] {
  const out: unknown[] = [];
  pos = start;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x0a) {
      const e = len(end);
      try {
        out.push(anyValue(e, depth + 1));
      } catch (err) {
        if (err instanceof ValueError)
          throw new ValueError(`.arrayValue.values[${out.length}]${err.rel}`, err.what);
        throw err;
      }
      pos = e;
    } else skip(t, end);
  }
  return out;
}

function kvlistValue(start: number, end: number, depth: number): Record<string, unknown> {
  const res: Record<string, unknown> = {};
  let k = 0;
  pos = start;
  while (pos < end) {
    const t = tag(end);
    if (t === 0x0a) {
      const e = len(end);
      let key = '';
      let valueStart = -1;
      let valueEnd = -1;
      while (pos < e) {
        const u = tag(e);
        if (u === 0x0a) {
          const ke = len(e);
          key = text(pos, ke);
          pos = ke;
        } else if (u === 0x12) {
          valueEnd = len(e);
          valueStart = pos;
          pos = valueEnd;
        } else skip(u, e);
      }
      if (valueStart < 0) res[key] = null;
      else {
        pos = valueStart;
        try {
          res[key] = anyValue(valueEnd, depth + 1);
        } catch (err) {
          if (err instanceof ValueError)
            throw new ValueError(`.kvlistValue.values[${k}].value${err.rel}`, err.what);
          throw err;
        }
      }
      k++;
      pos = e;
    } else skip(t, end);
  }
  return res;
}

/** A signed 64-bit integer: a number when it is a safe integer, else its decimal text. */
function int64(low: number, high: number): number | string {
  const h = high | 0;
  // |h·2^32 + low| < 2^53 exactly when -2^21 < h < 2^21.
  if (h > -0x200000 && h < 0x200000) return h * 4_294_967_296 + low;
  return BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low)).toString();
}

// The wire.

/** Node's Buffer reads UTF-8 with `utf8Slice`, what `toString('utf8', …)` calls after its checks. */
type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/** UTF-8 text of the body (invalid sequences as U+FFFD, as protobufjs reads them). */
function text(start: number, end: number): string {
  return (buf as NodeBuffer).utf8Slice(start, end);
}

/**
 * The keys of the last record's attributes, by their place in it. Records of one request mostly
 * carry the same attributes in the same order, so a key is usually the one before: its bytes
 * compared, its string reused, and a property key V8 has seen is stored without looking it up
 * again (a new string per record made every field's store a lookup).
 */
const lastKeys: { bytes: Uint8Array; text: string }[] = [];
const MAX_KEY_SLOTS = 64;
const MAX_KEY_BYTES = 64;

function keyText(start: number, end: number, slot: number): string {
  const n = end - start;
  const last = lastKeys[slot];
  if (last !== undefined && last.bytes.length === n) {
    const b = last.bytes;
    let k = 0;
    while (k < n && b[k] === buf[start + k]) k++;
    if (k === n) return last.text;
  }
  const t = text(start, end);
  if (slot < MAX_KEY_SLOTS && n <= MAX_KEY_BYTES)
    lastKeys[slot] = { bytes: new Uint8Array(buf.subarray(start, end)), text: t };
  return t;
}

function truncated(): WireError {
  return new WireError(`a field runs past the end of its message at byte ${pos}`);
}

/** A field's tag. */
function tag(end: number): number {
  return varint32(end);
}

/** A length-delimited field's length: the end of its bytes, inside the message. */
function len(end: number): number {
  const n = varint32(end);
  const e = pos + n;
  if (e > end) throw truncated();
  return e;
}

/** A varint's low 32 bits, unsigned. */
function varint32(end: number): number {
  let b = buf[pos++];
  let v = b & 0x7f;
  if (b < 0x80) return check(v, end);
  b = buf[pos++];
  v |= (b & 0x7f) << 7;
  if (b < 0x80) return check(v, end);
  b = buf[pos++];
  v |= (b & 0x7f) << 14;
  if (b < 0x80) return check(v, end);
  b = buf[pos++];
  v |= (b & 0x7f) << 21;
  if (b < 0x80) return check(v, end);
  b = buf[pos++];
  v |= b << 28;
  if (b < 0x80) return check(v >>> 0, end);
  // Bits past 32 (a negative int32 takes ten bytes) are dropped, as protobufjs drops them.
  for (let k = 0; k < 5; k++) if (buf[pos++] < 0x80) return check(v >>> 0, end);
  throw new WireError(`a varint runs past ten bytes at byte ${pos}`);
}

function check(v: number, end: number): number {
  if (pos > end) throw truncated();
  return v;
}

/** A varint's 64 bits into `lo` and `hi`. */
function varint64(end: number): void {
  let b = 0;
  lo = 0;
  hi = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    b = buf[pos++];
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      lo >>>= 0;
      check(0, end);
      return;
    }
  }
  b = buf[pos++];
  lo = (lo | ((b & 0x0f) << 28)) >>> 0;
  hi = (b & 0x7f) >> 4;
  if (b < 0x80) {
    check(0, end);
    return;
  }
  for (let shift = 3; shift < 32; shift += 7) {
    b = buf[pos++];
    hi |= (b & 0x7f) << shift;
    if (b < 0x80) {
      hi >>>= 0;
      check(0, end);
      return;
    }
  }
  throw new WireError(`a varint runs past ten bytes at byte ${pos}`);
}

/** A fixed64 into `lo` and `hi`. */
function fixed64(end: number): void {
  if (pos + 8 > end) throw truncated();
  lo = buf.readUInt32LE(pos);
  hi = buf.readUInt32LE(pos + 4);
  pos += 8;
}

/** Skips a field this reader does not keep (its tag just read). */
function skip(t: number, end: number, depth = 0): void {
  switch (t & 7) {
    case 0:
      varint64(end);
      return;
    case 1:
      pos += 8;
      break;
    case 2:
      pos = len(end);
      return;
    case 5:
      pos += 4;
      break;
    case 3: {
      // A group (proto2), skipped to its end tag.
      if (depth > MAX_VALUE_DEPTH) throw new WireError(`groups nest deeper than ${MAX_VALUE_DEPTH} levels`);
      const field = t >>> 3;
      for (;;) {
        const u = tag(end);
        if ((u & 7) === 4) {
          if (u >>> 3 !== field) throw new WireError(`a group ends with the wrong field at byte ${pos}`);
          return;
        }
        skip(u, end, depth + 1);
      }
    }
    default:
      throw new WireError(`invalid wire type ${t & 7} at byte ${pos}`);
  }
  if (pos > end) throw truncated();
}

function bad(path: string, what: string): UserError {
  return new UserError(`${path}: ${what}`);
}
