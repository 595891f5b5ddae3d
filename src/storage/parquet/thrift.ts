/**
 * The slice of Thrift's compact protocol that Parquet's footer and page headers need: structs of
 * i32, i64, binary and lists. Writers append to a growable byte array; nothing here reads.
 * See https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md.
 */

/** Compact-protocol type ids of the field and list element types we write. */
export const CT = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

/** A growable output buffer with the compact protocol's primitive writers. */
export interface ThriftOut {
  bytes: Uint8Array;
  pos: number;
}

/** An empty output buffer. */
export function thriftOut(capacity = 1024): ThriftOut {
  return { bytes: new Uint8Array(capacity), pos: 0 };
}

/** Makes room for `n` more bytes at `o.pos`. */
export function reserve(o: ThriftOut, n: number): void {
  if (o.pos + n <= o.bytes.length) return;
  const next = new Uint8Array(Math.max(o.bytes.length * 2, o.pos + n));
  next.set(o.bytes.subarray(0, o.pos));
  o.bytes = next;
}

/** Writes an unsigned varint; values up to 2^53 are exact. */
export function writeVarint(o: ThriftOut, value: number): void {
  reserve(o, 10);
  let v = value;
  while (v >= 0x80) {
    o.bytes[o.pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  o.bytes[o.pos++] = v;
}

/** Writes a zigzag-encoded signed integer (i32 and i64 alike), exact within ±2^52. */
export function writeZigzag(o: ThriftOut, value: number): void {
  writeVarint(o, value >= 0 ? value * 2 : -value * 2 - 1);
}

/** Writes raw bytes. */
export function writeRaw(o: ThriftOut, data: Uint8Array): void {
  reserve(o, data.length);
  o.bytes.set(data, o.pos);
  o.pos += data.length;
}

const utf8 = new TextEncoder();

/**
 * A struct being written: field headers carry the delta from the previous field id, so the
 * writer remembers the last one. Fields must be written in increasing id order.
 */
export interface StructWriter {
  out: ThriftOut;
  last: number;
}

/** Starts a struct (top-level or nested after its field header). */
export function beginStruct(out: ThriftOut): StructWriter {
  return { out, last: 0 };
}

function fieldHeader(s: StructWriter, id: number, type: number): void {
  const delta = id - s.last;
  reserve(s.out, 4);
  if (delta > 0 && delta <= 15) s.out.bytes[s.out.pos++] = (delta << 4) | type;
  else {
    s.out.bytes[s.out.pos++] = type;
    writeZigzag(s.out, id);
  }
  s.last = id;
}

/** Writes an i32 field. */
export function i32Field(s: StructWriter, id: number, value: number): void {
  fieldHeader(s, id, CT.I32);
  writeZigzag(s.out, value);
}

/** Writes an i64 field (a JavaScript number, exact within ±2^52). */
export function i64Field(s: StructWriter, id: number, value: number): void {
  fieldHeader(s, id, CT.I64);
  writeZigzag(s.out, value);
}

/** Writes a UTF-8 string field. */
export function stringField(s: StructWriter, id: number, value: string): void {
  fieldHeader(s, id, CT.BINARY);
  const data = utf8.encode(value);
  writeVarint(s.out, data.length);
  writeRaw(s.out, data);
}

/** Writes a binary field. */
export function binaryField(s: StructWriter, id: number, data: Uint8Array): void {
  fieldHeader(s, id, CT.BINARY);
  writeVarint(s.out, data.length);
  writeRaw(s.out, data);
}

/** Opens a nested struct field; end it with `endStruct`. */
export function structField(s: StructWriter, id: number): StructWriter {
  fieldHeader(s, id, CT.STRUCT);
  return beginStruct(s.out);
}

/** Closes a struct (writes the stop byte). */
export function endStruct(s: StructWriter): void {
  reserve(s.out, 1);
  s.out.bytes[s.out.pos++] = 0;
}

/** Opens a list field of `size` elements of `elemType`; write the elements right after. */
export function listField(s: StructWriter, id: number, elemType: number, size: number): void {
  fieldHeader(s, id, CT.LIST);
  reserve(s.out, 1);
  if (size < 15) s.out.bytes[s.out.pos++] = (size << 4) | elemType;
  else {
    s.out.bytes[s.out.pos++] = 0xf0 | elemType;
    writeVarint(s.out, size);
  }
}

/** Writes one i32 list element. */
export function i32Elem(o: ThriftOut, value: number): void {
  writeZigzag(o, value);
}

/** Writes one string list element. */
export function stringElem(o: ThriftOut, value: string): void {
  const data = utf8.encode(value);
  writeVarint(o, data.length);
  writeRaw(o, data);
}

/** The bytes written so far. */
export function thriftBytes(o: ThriftOut): Uint8Array {
  return o.bytes.subarray(0, o.pos);
}
