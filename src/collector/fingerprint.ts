/**
 * File identity by content. A file's fingerprint is a hash of its first line, capped at
 * FINGERPRINT_BYTES: a function of bytes that never change once written, so it is the same
 * however much the file has grown and after any restart. Until a file holds a whole first line
 * (or the cap), it has no fingerprint yet and is left for a later poll — nothing would be
 * emitted from it anyway, since an unfinished line is held. Inode and device are hints only.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export const FINGERPRINT_BYTES = 1024;

/** Bytes kept before a checkpoint offset to recognise the same content at another path. */
export const ANCHOR_BYTES = 64;

/** The fingerprint of the content read from a file's first bytes, or null when too short yet. */
export function fingerprintOf(head: Buffer): string | null {
  const nl = head.indexOf(10);
  let end: number;
  if (nl !== -1 && nl < FINGERPRINT_BYTES) end = nl + 1;
  else if (head.length >= FINGERPRINT_BYTES) end = FINGERPRINT_BYTES;
  else return null;
  return createHash('sha256').update(head.subarray(0, end)).digest('hex').slice(0, 16);
}

/** Reads a file's first bytes and returns its fingerprint, or null when it has none yet. */
export async function readFingerprint(fh: FileHandle, scratch: Buffer): Promise<string | null> {
  const { bytesRead } = await fh.read(scratch, 0, FINGERPRINT_BYTES, 0);
  return fingerprintOf(scratch.subarray(0, bytesRead));
}

/** The bytes just before `offset` (up to ANCHOR_BYTES), base64; empty at offset 0. */
export async function readAnchor(fh: FileHandle, offset: number): Promise<string | null> {
  const len = Math.min(ANCHOR_BYTES, offset);
  if (len === 0) return '';
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, offset - len);
  return bytesRead === len ? buf.toString('base64') : null;
}
