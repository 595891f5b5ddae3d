/**
 * How many files the file collector holds open: at most `maxOpenFiles` (default 256), so any
 * number of matched files can be tailed under any descriptor limit (issue #27: 2,000 files under
 * `ulimit -n 1024` hit EMFILE and half their lines were never read). When another file needs a
 * place, the file used longest ago is closed, one read to its end first; a closed file is opened
 * again by identity when it has new data (file-collector.ts), and files are read in turn, so
 * each gets its place. A file with batches still unacknowledged keeps its handle, as its
 * checkpoint anchor may still be read from it. An EMFILE below the bound lowers the bound, with
 * one warning, leaving a few descriptors for the rest of the process.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { Tracked } from './tracked-file.js';

/** Descriptors left for the rest of the process (checkpoint writes, directory listings) after an EMFILE. */
const HEADROOM = 16;

/** The collector's open files: a bound, and the tracked files holding a handle, least recently used first. */
export class OpenFiles {
  private readonly held = new Map<Tracked, true>();
  /** Handles open and not yet given to a tracked file: a new file being identified. */
  private loose = 0;
  private cap: number;
  private lowered = false;

  /** `close` closes a tracked file's handle to make room (the file stays tracked). */
  constructor(
    max: number,
    private readonly close: (t: Tracked) => Promise<void>,
    private readonly onWarning: (msg: string) => void,
  ) {
    this.cap = max;
  }

  /** Handles open now. */
  get count(): number {
    return this.held.size + this.loose;
  }

  /**
   * Opens `path` within the bound, closing a file used long ago if need be (never `keep`); null
   * when no file can be closed now. Errors other than running out of descriptors are thrown.
   */
  async open(path: string, keep?: Tracked): Promise<FileHandle | null> {
    for (;;) {
      if (!(await this.makeRoom(keep))) return null;
      try {
        const fh = await open(path, 'r');
        this.loose++;
        return fh;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'EMFILE' && code !== 'ENFILE') || this.count === 0) throw err;
        this.lower(code);
      }
    }
  }

  /**
   * The system ran out of descriptors elsewhere (listing a directory): lowers the bound and
   * closes files down to it. False when nothing is open that could be closed.
   */
  async shrink(code: string): Promise<boolean> {
    if (this.count === 0) return false;
    this.lower(code);
    return this.makeRoom(undefined);
  }

  /** The handle `open` returned now belongs to `t`. */
  hold(t: Tracked): void {
    this.loose--;
    this.held.set(t, true);
  }

  /** Closes a handle `open` returned that no tracked file took. */
  async discard(fh: FileHandle): Promise<void> {
    this.loose--;
    await fh.close().catch(() => {});
  }

  /** `t` was read: it is the last to be closed. */
  used(t: Tracked): void {
    if (this.held.delete(t)) this.held.set(t, true);
  }

  /** `t` no longer holds a handle (released, or the collector is closing). */
  dropped(t: Tracked): void {
    this.held.delete(t);
  }

  private async makeRoom(keep: Tracked | undefined): Promise<boolean> {
    while (this.count >= this.cap) {
      const t = this.victim(keep);
      if (t === null) return false;
      this.held.delete(t);
      await this.close(t);
    }
    return true;
  }

  /** The file to close: the least recently used that is read to its end, else any that may close. */
  private victim(keep: Tracked | undefined): Tracked | null {
    let busy: Tracked | null = null;
    for (const t of this.held.keys()) {
      // A .gz being read streams from its handle: it keeps it until read to its end.
      if (t === keep || t.acks.pending.length > 0 || t.gz !== null) continue;
      if (t.readPos >= Math.max(t.size, t.seenSize) && !t.joiner?.pending) return t;
      busy ??= t;
    }
    return busy;
  }

  private lower(code: string): void {
    const before = this.cap;
    this.cap = Math.max(1, this.count - HEADROOM);
    if (this.lowered) return;
    this.lowered = true;
    this.onWarning(
      `the system refused to open more files (${code}) with ${this.count} open: keeping at most ${this.cap} open (max_open_files ${before}) and reading the others in turn`,
    );
  }
}
