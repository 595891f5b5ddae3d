/**
 * One logical output of a run — a file (with its rotation), stdout, a stream, a syslog or HTTP
 * endpoint. Records are encoded straight into a chunk buffer (measured 3-4x faster than building
 * one big string), framed for the transport, counted and, with a manifest, hashed from the bytes
 * just written. The run loop hands chunks to the sink and rotates when `add` says so.
 */
import { addLineHash, type HashSum, hashSumHex, newHashSum } from './line-hash.js';
import type { ManifestFile } from './manifest.js';
import type { Sink } from './sink.js';

/** Bytes per chunk buffer. */
const CHUNK_BYTES = 512 * 1024;

/** Rotation of a file output. */
export interface RotationSpec {
  /** Rotate once the file holds at least this many bytes. */
  maxBytes?: number;
  /** Rotate once the file holds this many records. */
  maxLines?: number;
  /** Rotate when event time enters a new interval of this length (aligned to the epoch). */
  intervalMs?: number;
  /** `rename`: app.log → app.log.1 and a new app.log; `copytruncate`: copy to app.log.1, truncate app.log. */
  mode: 'rename' | 'copytruncate';
  /** Rotated pieces kept (app.log.1 .. app.log.N); older ones are deleted. */
  keep: number;
}

/** How records are delimited on the wire. */
export type Framing = 'newline' | 'octet-counting' | 'datagram';

/** Noise variants of a record. */
export const NOISE_NONE = 0;
export const NOISE_BLANK = 1;
export const NOISE_OVERLONG = 2;
export const NOISE_INVALID_UTF8 = 3;

/** Bytes that are never valid UTF-8 (a lone continuation byte, an overlong lead, 0xFF). */
const INVALID_BYTES = Buffer.from([0x80, 0xc0, 0xaf, 0xff]);

/** A sink that can also rotate its file. */
export interface RotatableSink extends Sink {
  rotate(mode: RotationSpec['mode'], keep: number): Promise<void>;
}

export interface TargetOptions {
  /** Every record is ASCII: encode a byte per character. */
  ascii: boolean;
  framing: Framing;
  /** Hash every record (for the manifest). */
  hashing: boolean;
  rotation?: RotationSpec;
  /** Total length of an overlong noise record, in bytes. */
  overlongBytes: number;
}

/** A logical output and its running figures. */
export class Target {
  readonly name: string;
  private readonly sink: Sink;
  private readonly opts: TargetOptions;
  private readonly encoding: BufferEncoding;
  private buf: Buffer;
  private off = 0;
  private ends: number[] = [];
  // Figures for the manifest.
  lines = 0;
  bytes = 0;
  private multiline = 0;
  private readonly sum: HashSum = newHashSum();
  private readonly noiseSum: HashSum = newHashSum();
  private readonly noiseCount = [0, 0, 0, 0];
  private noiseBytes = 0;
  rotations = 0;
  // The current file piece, for rotation.
  private pieceBytes = 0;
  private pieceLines = 0;
  private window = Number.NaN;
  private filler = '';

  constructor(name: string, sink: Sink, opts: TargetOptions) {
    this.name = name;
    this.sink = sink;
    this.opts = opts;
    this.encoding = opts.ascii ? 'latin1' : 'utf8';
    this.buf = this.freshChunk(CHUNK_BYTES);
  }

  /** True once the reader went away. */
  get broken(): boolean {
    return this.sink.broken;
  }

  /**
   * True when the file must be rotated before a record at `tsUs` goes in: the piece reached its
   * size or line limit, or event time entered a new interval. Checked before writing, so a run
   * never ends with a rotation into an empty file.
   */
  rotationDueBefore(tsUs: number): boolean {
    const r = this.opts.rotation;
    if (!r) return false;
    const w = r.intervalMs ? Math.floor(tsUs / 1000 / r.intervalMs) : 0;
    if (this.pieceLines === 0) {
      this.window = w;
      return false;
    }
    if (r.maxBytes !== undefined && this.pieceBytes >= r.maxBytes) return true;
    if (r.maxLines !== undefined && this.pieceLines >= r.maxLines) return true;
    return w !== this.window;
  }

  /**
   * Adds one record (a noise variant when `noise` is set). Returns false when a full chunk had to
   * go out and the sink asked for a pause: the caller should stop the batch and await `drain()`.
   */
  add(rec: string, noise: number): boolean {
    if (noise === NOISE_BLANK) rec = '';
    else if (noise === NOISE_OVERLONG)
      rec = rec + ' ' + this.fillerOf(this.opts.overlongBytes - rec.length - 1);
    const worst = (rec.length + INVALID_BYTES.length) * 3 + 24;
    let ok = true;
    if (this.off + worst > this.buf.length) {
      if (this.off > 0) ok = this.flush();
      if (worst > this.buf.length) this.buf = Buffer.allocUnsafe(worst);
    }
    const buf = this.buf;
    let off = this.off;
    if (this.opts.framing === 'octet-counting') {
      // RFC 6587 §3.4.1: `MSG-LEN SP SYSLOG-MSG`.
      let len = this.opts.ascii ? rec.length : Buffer.byteLength(rec);
      if (noise === NOISE_INVALID_UTF8) len += INVALID_BYTES.length;
      off += buf.write(len + ' ', off, 'latin1');
    }
    const start = off;
    if (noise === NOISE_INVALID_UTF8) {
      const cut = Math.min(rec.length, 24);
      off += buf.write(rec.slice(0, cut), off, this.encoding);
      off += INVALID_BYTES.copy(buf, off);
      off += buf.write(rec.slice(cut), off, this.encoding);
    } else {
      off += buf.write(rec, off, this.encoding);
    }
    const end = off;
    if (this.opts.framing === 'newline') buf[off++] = 10;
    else if (this.opts.framing === 'datagram') this.ends.push(off);
    const size = off - this.off;
    this.off = off;
    this.lines++;
    this.bytes += size;
    this.pieceLines++;
    this.pieceBytes += size;
    if (this.opts.hashing) {
      addLineHash(this.sum, buf, start, end);
      if (rec.includes('\n')) this.multiline++;
      if (noise !== NOISE_NONE) {
        addLineHash(this.noiseSum, buf, start, end);
        this.noiseCount[noise]++;
        this.noiseBytes += size;
      }
    }
    return ok;
  }

  /** Hands the chunk built so far to the sink; false asks the caller to await `drain()`. */
  flush(): boolean {
    if (this.off === 0) return true;
    const chunk = this.buf.subarray(0, this.off);
    const ends = this.opts.framing === 'datagram' ? this.ends : undefined;
    this.buf = this.freshChunk(CHUNK_BYTES);
    this.off = 0;
    this.ends = [];
    return this.sink.write(chunk, ends);
  }

  /** Waits until the sink takes more. */
  drain(): Promise<void> {
    return this.sink.drain();
  }

  /** Flushes and rotates the file; the next record opens a new piece. */
  async rotate(): Promise<void> {
    const r = this.opts.rotation;
    if (!r) return;
    this.flush();
    await (this.sink as RotatableSink).rotate(r.mode, r.keep);
    this.rotations++;
    this.pieceBytes = 0;
    this.pieceLines = 0;
  }

  /** Flushes and releases the sink. */
  async close(): Promise<void> {
    this.flush();
    await this.sink.close();
  }

  /** The figures for the manifest. */
  stats(): ManifestFile {
    const n = this.noiseCount;
    return {
      lines: this.lines,
      bytes: this.bytes,
      checksum: hashSumHex(this.sum),
      multiline: this.multiline,
      rotations: this.rotations,
      noise: {
        lines: n[1] + n[2] + n[3],
        bytes: this.noiseBytes,
        checksum: hashSumHex(this.noiseSum),
        blank: n[NOISE_BLANK],
        overlong: n[NOISE_OVERLONG],
        invalid_utf8: n[NOISE_INVALID_UTF8],
      },
    };
  }

  private fillerOf(n: number): string {
    if (n <= 0) return '';
    if (this.filler.length < n) this.filler = 'x'.repeat(Math.max(n, 2 * this.filler.length));
    return this.filler.slice(0, n);
  }

  private freshChunk(size: number): Buffer {
    const spare = this.sink.recycle?.();
    return spare && spare.length >= size ? spare : Buffer.allocUnsafe(size);
  }
}
