/**
 * Snappy's block format (google/snappy's format_description.txt), decoded with every length and
 * offset checked, for the bodies of Loki pushes. The body is hostile until read: snappyjs 0.7.0,
 * used before, read a literal's 4-byte length as a signed number, so a 10-byte body could send
 * its read position backwards and keep the server's thread in a loop forever. Here each step
 * moves forward, the output never grows past the length the block claims (checked against the
 * body limit before anything is allocated), and the output must end exactly at that length.
 */
import { UserError } from '../../core/errors.js';

/** The length a block claims is over what the caller takes. */
export class SnappyTooBig extends Error {
  constructor(readonly claimed: number) {
    super(`the block claims ${claimed} bytes`);
  }
}

const bad = (why: string, at: number): UserError =>
  new UserError(`the body is not snappy-compressed data (${why} at byte ${at})`);

/** Little-endian unsigned value of `n` bytes of `src` from `at` (n ≤ 4; no sign, unlike `<<`). */
function le(src: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let k = n - 1; k >= 0; k--) v = v * 256 + src[at + k];
  return v;
}

/**
 * The bytes a snappy block holds. Throws SnappyTooBig when it claims more than `max` bytes, and
 * a UserError naming the first thing wrong (and where) for anything that is not a whole block.
 */
export function unsnappyBlock(src: Uint8Array, max: number): Uint8Array {
  // The preamble: the uncompressed length as a varint of at most 5 bytes (32 bits).
  let length = 0;
  let pos = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length) throw bad('the length preamble ends early', pos);
    if (shift > 28) throw bad('the length preamble is longer than 5 bytes', pos);
    const c = src[pos++];
    length += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) break;
  }
  if (length > 0xffffffff) throw bad('the length preamble is over 32 bits', pos - 1);
  if (length > max) throw new SnappyTooBig(length);
  const out = new Uint8Array(length);
  let outPos = 0;
  while (pos < src.length) {
    const at = pos;
    const tag = src[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const n = len - 60;
        if (pos + n > src.length) throw bad('a literal length ends early', at);
        len = le(src, pos, n) + 1;
        pos += n;
      }
      if (len > src.length - pos) throw bad(`a literal of ${len} bytes runs past the body`, at);
      if (len > length - outPos) throw bad('a literal runs past the claimed length', at);
      out.set(src.subarray(pos, pos + len), outPos);
      pos += len;
      outPos += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos + 1 > src.length) throw bad('a copy ends early', at);
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[pos];
      pos += 1;
    } else {
      const n = kind === 2 ? 2 : 4;
      if (pos + n > src.length) throw bad('a copy ends early', at);
      len = (tag >>> 2) + 1;
      offset = le(src, pos, n);
      pos += n;
    }
    if (offset === 0 || offset > outPos) throw bad(`a copy reaches ${offset} bytes back of ${outPos}`, at);
    if (len > length - outPos) throw bad('a copy runs past the claimed length', at);
    // Byte by byte: a copy may overlap what it writes (offset < len repeats a pattern).
    for (let k = 0; k < len; k++, outPos++) out[outPos] = out[outPos - offset];
  }
  if (outPos !== length) throw bad(`the block holds ${outPos} bytes of the ${length} it claims`, pos);
  return out;
}
