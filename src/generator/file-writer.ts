/**
 * Appends to a file the way sonic-boom does: chunks are coalesced while a write is in flight,
 * exactly one `writev` is outstanding at a time, and `write` reports backpressure past a
 * high-water mark instead of buffering without bound.
 */
import { close, existsSync, ftruncate, mkdirSync, openSync, writev } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Sink } from './sink.js';

/** Queued bytes above which `write` returns false. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Written chunks kept for reuse: fresh memory costs page faults on every chunk. */
const MAX_SPARES = 4;
/** Only chunks with their own backing memory at least this big are reused. */
const MIN_RECYCLE = 64 * 1024;
/** Chunks per writev call (below every platform's IOV_MAX). */
const MAX_IOV = 64;

/** An append-only file owned for the life of a run. */
export class FileWriter implements Sink {
  readonly path: string;
  private fd: number;
  private queue: Buffer[] = [];
  private queued = 0;
  private writing = false;
  private failure: Error | null = null;
  private waiters: (() => void)[] = [];
  private spares: Buffer[] = [];
  readonly broken = false;

  /** Opens (creating it and its folder if need be) `path` for appending; a UsageError names the path when that fails. */
  constructor(path: string) {
    this.path = path;
    this.fd = this.open();
  }

  private open(): number {
    try {
      // Like most log writers, create the folder the file goes in; if that cannot be done, the
      // open below fails with the reason that names the real obstacle.
      try {
        mkdirSync(dirname(this.path), { recursive: true });
      } catch {}
      return openSync(this.path, 'a');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UsageError(`cannot open output file ${this.path}: ${e.code ?? e.message}`);
    }
  }

  /** Bytes queued and not yet handed to the kernel. */
  get pending(): number {
    return this.queued;
  }

  write(chunk: Buffer): boolean {
    if (this.failure) throw this.failure;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (!this.writing) this.flushSome();
    return this.queued < HIGH_WATER;
  }

  recycle(): Buffer | undefined {
    return this.spares.pop();
  }

  drain(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued < HIGH_WATER) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once everything queued so far is written. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued === 0 && !this.writing) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => this.flush());
  }

  /**
   * Rotates the file once everything queued is written. `rename`: path → path.1 (older pieces
   * shift up, beyond `keep` they are deleted) and a fresh file is opened, as logrotate's default
   * does. `copytruncate`: path is copied to path.1 and truncated in place, the same descriptor
   * writing on from offset 0 (it was opened for appending).
   */
  async rotate(mode: 'rename' | 'copytruncate', keep: number): Promise<void> {
    await this.flush();
    await rm(`${this.path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    if (mode === 'rename') {
      await rename(this.path, `${this.path}.1`);
      const old = this.fd;
      this.fd = this.open();
      await new Promise<void>((resolve) => close(old, () => resolve()));
    } else {
      await copyFile(this.path, `${this.path}.1`);
      await ftruncateFd(this.fd);
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await new Promise<void>((resolve) => close(this.fd, () => resolve()));
    }
  }

  private flushSome(): void {
    if (this.queue.length === 0) {
      this.writing = false;
      this.wake();
      return;
    }
    this.writing = true;
    // writev hands the kernel every queued chunk in one call, without copying them together.
    const bufs = this.queue.splice(0, MAX_IOV);
    let size = 0;
    for (const b of bufs) size += b.length;
    this.writeAll(bufs, size);
  }

  private writeAll(bufs: Buffer[], size: number): void {
    writev(this.fd, bufs, (err, written) => {
      if (err) {
        this.failure = new Error(`cannot write ${this.path}: ${err.code ?? err.message}`, { cause: err });
        this.writing = false;
        this.wake();
        return;
      }
      this.queued -= written;
      if (written < size) {
        this.writeAll(dropFront(bufs, written), size - written);
        return;
      }
      for (const b of bufs) {
        if (this.spares.length < MAX_SPARES && b.byteOffset === 0 && b.buffer.byteLength >= MIN_RECYCLE) {
          this.spares.push(Buffer.from(b.buffer));
        }
      }
      this.flushSome();
      if (this.queued < HIGH_WATER) this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** The buffers left after the first `n` bytes were written (a short write). */
function dropFront(bufs: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (n >= bufs[i].length) n -= bufs[i++].length;
  return [bufs[i].subarray(n), ...bufs.slice(i + 1)];
}

/** Truncates an open descriptor to zero length. */
function ftruncateFd(fd: number): Promise<void> {
  return new Promise<void>((resolve, reject) => ftruncate(fd, 0, (err) => (err ? reject(err) : resolve())));
}
