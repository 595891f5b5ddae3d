/**
 * What a file holds, told from its first bytes: gzip (decompressed and read as text), binary (an
 * executable, an image, another compressor's output: skipped with a warning naming it), or text.
 * Binary is a NUL byte in the first line (executables, images, archives and UTF-16 text all have
 * one within their first bytes), or more than BINARY_INVALID_RATIO of the sample not being UTF-8.
 * NULs further on are a log's own garbage (a crash, a torn write) and are read as text, as ever.
 * Text in Latin-1 and other Western 8-bit encodings has a few invalid bytes (accents) and is read,
 * each such byte becoming U+FFFD, as everywhere else in logpipe; text mostly of 8-bit letters
 * (Cyrillic cp1251, Greek ISO-8859-7) is past the ratio and taken for binary.
 */

/** How much of a file's start is looked at. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Share of the sample's bytes in invalid UTF-8 sequences above which it is binary. Western Latin-1
 * text stays far below (an accent every few words is 1–5 % of its bytes); random or compressed
 * bytes are about half invalid.
 */
export const BINARY_INVALID_RATIO = 0.3;

/** The first line is looked at this far (the fingerprint's reach). */
const FIRST_LINE_BYTES = 1024;

/** True when `head` starts with the gzip magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Why `sample` (a file's first SNIFF_BYTES, or all of it) is not text, or null when it is text.
 * One pass over the bytes, no allocation. A sequence cut by the end of the sample is not counted.
 */
export function binaryReason(sample: Uint8Array): string | null {
  const n = Math.min(sample.length, SNIFF_BYTES);
  let invalid = 0;
  let i = 0;
  let firstLine = true;
  while (i < n) {
    const b = sample[i];
    if (b < 0x80) {
      if (b === 0 && firstLine && i < FIRST_LINE_BYTES) return 'a NUL byte in its first line';
      if (b === 10) firstLine = false;
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
    } else {
      invalid++;
      i++;
      continue;
    }
    if (i + need >= n) break; // cut by the sample's end
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const c = sample[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 && b === 0xed ? 0x9f : k === 1 && b === 0xf4 ? 0x8f : 0xbf;
      if (c < lo || c > hi) {
        ok = false;
        break;
      }
    }
    if (ok) {
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  if (n > 0 && invalid / n > BINARY_INVALID_RATIO) {
    return `${Math.round((invalid / n) * 100)}% of its first ${n < SNIFF_BYTES ? `${n} bytes` : '64 KiB'} is not UTF-8`;
  }
  return null;
}
