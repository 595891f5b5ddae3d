/**
 * A file to import, opened as text: gzip is decompressed as it streams (node:zlib), and the first
 * 64 KiB of the text decide whether it is text at all (binary files are skipped, named) and give
 * its identity (the collector's fingerprint of its first line), so a rotated `app.log.1.gz` and
 * the `app.log.1` it was made from are the same content with the same offsets.
 *
 * Damaged gzip data (truncated, corrupt) ends the text at the last whole line before the damage:
 * those lines are stored, the file is reported as damaged, and a repaired file imported again
 * adds what follows (the same identity and offsets, so nothing is stored twice). A line cut by
 * the damage is never stored: stored cut, its whole self would later be taken for a duplicate.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { binaryReason, FINGERPRINT_BYTES, fingerprintOf, isGzip, SNIFF_BYTES } from '../collector/index.js';

/** One file opened for import. */
export interface ImportSource {
  compressed: boolean;
  /** Why the file is not text (it is then not read further), or null. */
  binary: string | null;
  /** The content's identity (fingerprint of its first line; `empty` for no text). */
  generation: string;
  /** Whether the text starts as a logpipe NDJSON stream (a `{"$logpipe":` header line). */
  ndjson: boolean;
  /** The text, in whole lines when the file is compressed. Read it once. */
  text: Readable;
  /** Why the compressed data ended early, once `text` has ended; null when it did not. */
  damage(): string | null;
  /** Bytes read from disk so far. */
  diskBytes(): number;
  /** Bytes of text handed on so far. */
  textBytes(): number;
  /** Stops reading (after a skip or a failure). */
  close(): void;
}

const READ_CHUNK = 1024 * 1024;
const GZ_READ_CHUNK = 64 * 1024;
/** A compressed file's text is held back to its last newline, up to this much of one line. */
const MAX_HELD_BYTES = 4 * 1024 * 1024;

/** The identity of a text that starts with `head`: the collector's fingerprint, else a hash of all of it. */
export function generationOf(head: Buffer): string {
  if (head.length === 0) return 'empty';
  const first = head.subarray(0, FINGERPRINT_BYTES);
  return fingerprintOf(first) ?? createHash('sha256').update(first).digest('hex').slice(0, 16);
}

const HEADER_START = Buffer.from('{"$logpipe":');

/** Whether a text starting with `head` starts with a stream header (core/ndjson.ts). */
function streamHeaded(head: Buffer): boolean {
  return head.subarray(0, HEADER_START.length).equals(HEADER_START);
}

/** The file's first SNIFF_BYTES (fewer when it is shorter). */
function rawHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(SNIFF_BYTES);
    return b.subarray(0, readSync(fd, b, 0, SNIFF_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** Opens `path`, reads the start of its text and tells what it holds. */
export async function openImportSource(path: string): Promise<ImportSource> {
  const raw = rawHead(path);
  if (!isGzip(raw)) return plainSource(path, raw);
  // Small reads: the bytes read from disk are the progress bar's measure, and one compressed
  // byte is several of text, so reading far ahead would run the bar to its end early.
  const file = createReadStream(path, { highWaterMark: GZ_READ_CHUNK });
  let disk = 0;
  let textBytes = 0;
  let damage: string | null = null;
  async function* fromDisk(): AsyncGenerator<Buffer> {
    for await (const c of file as AsyncIterable<Buffer>) {
      disk += c.length;
      yield c;
    }
  }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  // The pipeline's own error is the one the gunzip stream throws while being read.
  pipeline(Readable.from(fromDisk(), { highWaterMark: 1 }), gunzip).catch(() => {});
  const chunks: AsyncIterator<Buffer> = (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();

  // The head: the first SNIFF_BYTES of text (or all there is), kept to be handed on first.
  const head: Buffer[] = [];
  let headLen = 0;
  try {
    while (headLen < SNIFF_BYTES) {
      const r = await chunks.next();
      if (r.done) break;
      head.push(r.value);
      headLen += r.value.length;
    }
  } catch (err) {
    damage = (err as Error).message;
  }
  const headBuf = Buffer.concat(head);
  const binary = binaryReason(headBuf.subarray(0, SNIFF_BYTES));
  const close = () => {
    file.destroy();
    gunzip.destroy();
  };

  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    if (damage !== null) return;
    for (;;) {
      const r = await chunks.next();
      if (r.done) return;
      yield r.value;
    }
  }
  async function* text(): AsyncGenerator<Buffer> {
    let held: Buffer | null = null;
    try {
      for await (const c of all()) {
        const nl = c.lastIndexOf(10);
        if (nl === -1) {
          held = held ? Buffer.concat([held, c]) : c;
          if (held.length > MAX_HELD_BYTES) {
            textBytes += held.length;
            yield held;
            held = null;
          }
          continue;
        }
        const whole: Buffer = held ? Buffer.concat([held, c.subarray(0, nl + 1)]) : c.subarray(0, nl + 1);
        held = nl + 1 < c.length ? c.subarray(nl + 1) : null;
        textBytes += whole.length;
        yield whole;
      }
    } catch (err) {
      damage = (err as Error).message;
    }
    // A last line without its newline is whole only if the data ended cleanly.
    if (held && damage === null) {
      textBytes += held.length;
      yield held;
    }
  }

  return {
    compressed: true,
    binary,
    generation: generationOf(headBuf),
    ndjson: streamHeaded(headBuf),
    text: Readable.from(text(), { objectMode: false }),
    damage: () => damage,
    diskBytes: () => disk,
    textBytes: () => textBytes,
    close,
  };
}

/**
 * A plain file: its first bytes were read already; the text is the file as it streams, handed to
 * the line reader as it is (no copy between), as before gzip was known.
 */
function plainSource(path: string, head: Buffer): ImportSource {
  const binary = binaryReason(head);
  const file = binary === null ? createReadStream(path, { highWaterMark: READ_CHUNK }) : null;
  return {
    compressed: false,
    binary,
    generation: generationOf(head),
    ndjson: streamHeaded(head),
    text: file ?? Readable.from([]),
    damage: () => null,
    diskBytes: () => file?.bytesRead ?? 0,
    textBytes: () => file?.bytesRead ?? 0,
    close: () => file?.destroy(),
  };
}
