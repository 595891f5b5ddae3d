/**
 * The Thrift compact protocol writers, byte for byte against encodings worked out by hand from
 * the spec (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md):
 * varints, zigzag, field headers (short form, and long form when the id delta is not 1–15),
 * lists (short and long size), nested structs, binary and UTF-8 strings.
 *
 * Not covered because the writer has none: booleans (Parquet's footer as logpipe writes it holds
 * no boolean field). Integers are JavaScript numbers: varints are exact up to 2^53 and zigzag
 * values within ±2^52, which bounds the offsets, sizes and row counts a footer holds; i64 values
 * beyond that are not supported, so none are tested.
 */
import { describe, expect, it } from 'vitest';
import {
  beginStruct,
  binaryField,
  CT,
  endStruct,
  i32Elem,
  i32Field,
  i64Field,
  listField,
  reserve,
  type StructWriter,
  stringElem,
  stringField,
  structField,
  type ThriftOut,
  thriftBytes,
  thriftOut,
  writeRaw,
  writeVarint,
  writeZigzag,
} from '../../../src/storage/parquet/thrift.js';

/** The bytes `write` puts into a fresh buffer. */
function bytesOf(write: (o: ThriftOut) => void, capacity = 1024): number[] {
  const o = thriftOut(capacity);
  write(o);
  return [...thriftBytes(o)];
}

/** The bytes of one struct whose fields `write` writes, stop byte included. */
function structBytes(write: (s: StructWriter) => void): number[] {
  return bytesOf((o) => {
    const s = beginStruct(o);
    write(s);
    endStruct(s);
  });
}

const ascii = (s: string) => [...Buffer.from(s, 'utf8')];

describe('varints', () => {
  it('writes unsigned LEB128, seven bits a byte, least significant group first', () => {
    expect(bytesOf((o) => writeVarint(o, 0))).toEqual([0x00]);
    expect(bytesOf((o) => writeVarint(o, 1))).toEqual([0x01]);
    expect(bytesOf((o) => writeVarint(o, 127))).toEqual([0x7f]);
    expect(bytesOf((o) => writeVarint(o, 128))).toEqual([0x80, 0x01]);
    expect(bytesOf((o) => writeVarint(o, 300))).toEqual([0xac, 0x02]);
    // The spec's own example.
    expect(bytesOf((o) => writeVarint(o, 50399))).toEqual([0xdf, 0x89, 0x03]);
    expect(bytesOf((o) => writeVarint(o, 2 ** 32 - 1))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytesOf((o) => writeVarint(o, 2 ** 32))).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
  });

  it('is exact up to 2^53', () => {
    // 2^53: bit 53 is bit 4 of the eighth group; 2^53 - 1: 53 ones, the last group holds four.
    expect(bytesOf((o) => writeVarint(o, 2 ** 53))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(bytesOf((o) => writeVarint(o, 2 ** 53 - 1))).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
    ]);
  });
});

describe('zigzag', () => {
  it('folds signed into unsigned: 0, -1, 1, -2, 2 become 0, 1, 2, 3, 4', () => {
    expect([0, -1, 1, -2, 2].map((v) => bytesOf((o) => writeZigzag(o, v)))).toEqual([
      [0],
      [1],
      [2],
      [3],
      [4],
    ]);
    expect(bytesOf((o) => writeZigzag(o, -64))).toEqual([0x7f]);
    expect(bytesOf((o) => writeZigzag(o, 64))).toEqual([0x80, 0x01]);
  });

  it('covers i32 and i64 ranges within ±2^52', () => {
    // 2^31 - 1 → 2^32 - 2; -2^31 → 2^32 - 1.
    expect(bytesOf((o) => writeZigzag(o, 2147483647))).toEqual([0xfe, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytesOf((o) => writeZigzag(o, -2147483648))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    // 2^52 → 2^53; -2^52 → 2^53 - 1.
    expect(bytesOf((o) => writeZigzag(o, 2 ** 52))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(bytesOf((o) => writeZigzag(o, -(2 ** 52)))).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
    ]);
  });
});

describe('field headers', () => {
  it('write the id delta in the high nibble and the type in the low one', () => {
    // i32 field 1 = 5: header 0x15, zigzag 10.
    expect(structBytes((s) => i32Field(s, 1, 5))).toEqual([0x15, 0x0a, 0x00]);
    // Fields 1 and 3: the second header holds delta 2.
    expect(
      structBytes((s) => {
        i32Field(s, 1, 0);
        i32Field(s, 3, -1);
      }),
    ).toEqual([0x15, 0x00, 0x25, 0x01, 0x00]);
    // A delta of 15 is still the short form.
    expect(structBytes((s) => i32Field(s, 15, 1))).toEqual([0xf5, 0x02, 0x00]);
  });

  it('use the long form (type byte, then the zigzag id) for a delta above 15', () => {
    // Field 16 first: delta 16, so 0x05 then zigzag(16) = 32.
    expect(structBytes((s) => i32Field(s, 16, 1))).toEqual([0x05, 0x20, 0x02, 0x00]);
    // Field 200 after field 1: 0x06 (i64), zigzag(200) = 400 = varint 0x90 0x03; then field 201 is
    // delta 1 from it again.
    expect(
      structBytes((s) => {
        i32Field(s, 1, 0);
        i64Field(s, 200, 3);
        i32Field(s, 201, 2);
      }),
    ).toEqual([0x15, 0x00, 0x06, 0x90, 0x03, 0x06, 0x15, 0x04, 0x00]);
  });

  it('write i64 fields as zigzag varints, to ±2^52', () => {
    expect(structBytes((s) => i64Field(s, 3, -1))).toEqual([0x36, 0x01, 0x00]);
    expect(structBytes((s) => i64Field(s, 1, 2 ** 52))).toEqual([
      0x16, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00,
    ]);
    expect(structBytes((s) => i64Field(s, 1, -(2 ** 52)))).toEqual([
      0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00,
    ]);
  });
});

describe('binary and strings', () => {
  it('write a varint length, then the bytes', () => {
    expect(structBytes((s) => binaryField(s, 5, Uint8Array.of(1, 2, 3)))).toEqual([
      0x58, 0x03, 1, 2, 3, 0x00,
    ]);
    expect(structBytes((s) => binaryField(s, 5, new Uint8Array(0)))).toEqual([0x58, 0x00, 0x00]);
    expect(structBytes((s) => stringField(s, 4, 'schema'))).toEqual([0x48, 0x06, ...ascii('schema'), 0x00]);
  });

  it('encode strings as UTF-8, the length in bytes', () => {
    // 'é' is C3 A9; '👋' is F0 9F 91 8B.
    expect(structBytes((s) => stringField(s, 1, 'é👋'))).toEqual([
      0x18, 0x06, 0xc3, 0xa9, 0xf0, 0x9f, 0x91, 0x8b, 0x00,
    ]);
    const long = 'x'.repeat(200);
    expect(structBytes((s) => stringField(s, 1, long))).toEqual([0x18, 0xc8, 0x01, ...ascii(long), 0x00]);
  });
});

describe('lists', () => {
  it('hold up to 14 elements in the header byte', () => {
    // Field 2 (list): 0x29; 3 × i32: 0x35; elements zigzag.
    expect(
      structBytes((s) => {
        listField(s, 2, CT.I32, 3);
        for (const v of [0, -1, 6]) i32Elem(s.out, v);
      }),
    ).toEqual([0x29, 0x35, 0x00, 0x01, 0x0c, 0x00]);
    expect(bytesOf((o) => listField(beginStruct(o), 1, CT.BINARY, 0))).toEqual([0x19, 0x08]);
    expect(bytesOf((o) => listField(beginStruct(o), 1, CT.I32, 14))).toEqual([0x19, 0xe5]);
  });

  it('give 15 elements or more a varint size after 0xF and the type', () => {
    expect(bytesOf((o) => listField(beginStruct(o), 1, CT.I32, 15))).toEqual([0x19, 0xf5, 0x0f]);
    expect(bytesOf((o) => listField(beginStruct(o), 1, CT.STRUCT, 300))).toEqual([0x19, 0xfc, 0xac, 0x02]);
  });

  it('hold strings as length and bytes, structs as fields and a stop byte, with no headers', () => {
    expect(
      structBytes((s) => {
        listField(s, 3, CT.BINARY, 2);
        stringElem(s.out, 'ab');
        stringElem(s.out, '');
      }),
    ).toEqual([0x39, 0x28, 0x02, ...ascii('ab'), 0x00, 0x00]);
    expect(
      structBytes((s) => {
        listField(s, 2, CT.STRUCT, 2);
        for (const v of [1, 2]) {
          const e = beginStruct(s.out);
          i32Field(e, 1, v);
          endStruct(e);
        }
        i32Field(s, 3, 7);
      }),
    ).toEqual([0x29, 0x2c, 0x15, 0x02, 0x00, 0x15, 0x04, 0x00, 0x15, 0x0e, 0x00]);
  });
});

describe('structs', () => {
  it('nest with their own field ids; the outer struct goes on from its last field', () => {
    expect(
      structBytes((s) => {
        i32Field(s, 1, 1);
        const d = structField(s, 3); // delta 2, STRUCT: 0x2C
        i32Field(d, 1, 2); // ids restart inside
        i32Field(d, 2, 3);
        endStruct(d);
        i32Field(s, 4, 4); // delta 1 from field 3
      }),
    ).toEqual([0x15, 0x02, 0x2c, 0x15, 0x04, 0x15, 0x06, 0x00, 0x15, 0x08, 0x00]);
  });

  it('end with a stop byte, an empty struct being only that', () => {
    expect(structBytes(() => {})).toEqual([0x00]);
  });
});

describe('the output buffer', () => {
  it('grows as needed and keeps what was written', () => {
    const o = thriftOut(1);
    const s = beginStruct(o);
    for (let id = 1; id <= 100; id++) i64Field(s, id, id * 1_000_000);
    endStruct(s);
    writeRaw(o, new Uint8Array(5000).fill(7));
    const bytes = thriftBytes(o);
    expect(bytes.length).toBe(o.pos);
    expect(bytes[0]).toBe(0x16);
    // Field 1's value: zigzag(10^6) = 2,000,000 = 0x1E8480 → 0x80 0x89 0x7A.
    expect([...bytes.subarray(1, 4)]).toEqual([0x80, 0x89, 0x7a]);
    expect(bytes.subarray(bytes.length - 5000).every((b) => b === 7)).toBe(true);
  });

  it('reserves room without moving the position', () => {
    const o = thriftOut(2);
    writeRaw(o, Uint8Array.of(9, 8));
    reserve(o, 100);
    expect(o.bytes.length).toBeGreaterThanOrEqual(102);
    expect(o.pos).toBe(2);
    expect([...thriftBytes(o)]).toEqual([9, 8]);
  });
});
