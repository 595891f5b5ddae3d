/**
 * Protobuf's wire format read in place: the primitives a reader of one message type is built of
 * (tags, lengths, varints, UTF-8 text, skipping unknown fields), over one body at a time per
 * thread (`wire`: the bytes and the position, module state, so no reader object per nested
 * message). A field that runs past the end of its message, a varint past ten bytes or a wire type
 * that does not exist is a WireError, for the reader to name its message type in.
 */

/** The bytes are not a protobuf message. */
export class WireError extends Error {}

const EMPTY: Buffer = Buffer.alloc(0);

/** The body being read and the position in it; `lo` and `hi`, the halves of the last varint64. */
export const wire: { buf: Buffer; pos: number; lo: number; hi: number } = {
  buf: EMPTY,
  pos: 0,
  lo: 0,
  hi: 0,
};

/** Starts reading `body` at its first byte. */
export function wireStart(body: Uint8Array): void {
  wire.buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  wire.pos = 0;
}

/** Lets the body go. */
export function wireEnd(): void {
  wire.buf = EMPTY;
}

function truncated(): WireError {
  return new WireError(`a field runs past the end of its message at byte ${wire.pos}`);
}

function check(v: number, end: number): number {
  if (wire.pos > end) throw truncated();
  return v;
}

/** A varint's low 32 bits, unsigned (a field's tag, a length, an int32 before `| 0`). */
export function varint32(end: number): number {
  const buf = wire.buf;
  let b = buf[wire.pos++];
  let v = b & 0x7f;
  if (b < 0x80) return check(v, end);
  b = buf[wire.pos++];
  v |= (b & 0x7f) << 7;
  if (b < 0x80) return check(v, end);
  b = buf[wire.pos++];
  v |= (b & 0x7f) << 14;
  if (b < 0x80) return check(v, end);
  b = buf[wire.pos++];
  v |= (b & 0x7f) << 21;
  if (b < 0x80) return check(v, end);
  b = buf[wire.pos++];
  v |= b << 28;
  if (b < 0x80) return check(v >>> 0, end);
  // Bits past 32 (a negative int32 takes ten bytes) are dropped, as protobufjs drops them.
  for (let k = 0; k < 5; k++) if (buf[wire.pos++] < 0x80) return check(v >>> 0, end);
  throw new WireError(`a varint runs past ten bytes at byte ${wire.pos}`);
}

/** A varint's 64 bits into `wire.lo` and `wire.hi` (unsigned halves). */
export function varint64(end: number): void {
  const buf = wire.buf;
  let b = 0;
  let lo = 0;
  let hi = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    b = buf[wire.pos++];
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      wire.lo = lo >>> 0;
      wire.hi = 0;
      check(0, end);
      return;
    }
  }
  b = buf[wire.pos++];
  lo = (lo | ((b & 0x0f) << 28)) >>> 0;
  hi = (b & 0x7f) >> 4;
  if (b < 0x80) {
    wire.lo = lo;
    wire.hi = hi;
    check(0, end);
    return;
  }
  for (let shift = 3; shift < 32; shift += 7) {
    b = buf[wire.pos++];
    hi |= (b & 0x7f) << shift;
    if (b < 0x80) {
      wire.lo = lo;
      wire.hi = hi >>> 0;
      check(0, end);
      return;
    }
  }
  throw new WireError(`a varint runs past ten bytes at byte ${wire.pos}`);
}

/** A length-delimited field's length: the end of its bytes, inside the message. */
export function len(end: number): number {
  const n = varint32(end);
  const e = wire.pos + n;
  if (e > end) throw truncated();
  return e;
}

/** Node's Buffer reads UTF-8 with `utf8Slice`, what `toString('utf8', …)` calls after its checks. */
type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/** A length-delimited field as text (invalid UTF-8 becomes U+FFFD); the position moves past it. */
export function text(end: number): string {
  const e = len(end);
  const s = (wire.buf as NodeBuffer).utf8Slice(wire.pos, e);
  wire.pos = e;
  return s;
}

/** Groups (proto2) nest at most this deep inside a skipped field. */
const MAX_GROUP_DEPTH = 32;

/** Skips a field the reader does not keep (its tag `t` just read). */
export function skip(t: number, end: number, depth = 0): void {
  switch (t & 7) {
    case 0:
      varint64(end);
      return;
    case 1:
      wire.pos += 8;
      break;
    case 2:
      wire.pos = len(end);
      return;
    case 5:
      wire.pos += 4;
      break;
    case 3: {
      if (depth > MAX_GROUP_DEPTH) throw new WireError(`groups nest deeper than ${MAX_GROUP_DEPTH} levels`);
      const field = t >>> 3;
      for (;;) {
        const u = varint32(end);
        if ((u & 7) === 4) {
          if (u >>> 3 !== field) throw new WireError(`a group ends with the wrong field at byte ${wire.pos}`);
          return;
        }
        skip(u, end, depth + 1);
      }
    }
    default:
      throw new WireError(`invalid wire type ${t & 7} at byte ${wire.pos}`);
  }
  if (wire.pos > end) throw truncated();
}
