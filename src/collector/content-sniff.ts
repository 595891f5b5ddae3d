/**
 * What a file holds, told from its first bytes: gzip (decompressed and read as text), binary (an
 * executable, an image, another compressor's output: skipped with a warning naming it), or text.
 * Binary is NUL bytes, or more than BINARY_INVALID_RATIO of the sample not being UTF-8: text in
 * Latin-1 and other 8-bit encodings has a few such bytes (accents) and is read, each one becoming
 * U+FFFD, as everywhere else in logpipe. UTF-16 text has NULs and is taken for binary.
 */

/** How much of a file's start is looked at. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Share of the sample's bytes in invalid UTF-8 sequences above which it is binary. Western Latin-1
 * text stays far below (an accent every few words is 1–5 % of its bytes); random or compressed
 * bytes are about half invalid.
 */
export const BINARY_INVALID_RATIO = 0.3;

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
  while (i < n) {
    const b = sample[i];
    if (b < 0x80) {
      if (b === 0) return 'it holds NUL bytes';
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
