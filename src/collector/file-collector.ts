/**
 * The file collector: tails every file matched by the globs, emits their lines in acknowledged
 * batches (as the bytes they were read from, or as RawEvents where lines are joined), and keeps
 * a checkpoint that moves only when batches are acknowledged, in order per file. Files are told
 * apart by content (a fingerprint of the first line, and the bytes before a checkpoint offset);
 * inode and device are hints. So a restart, a rename, a copy (copytruncate) or a truncation of a
 * file each continue or restart exactly where its content says, and a rotated file is read to its
 * end before it is let go.
 *
 * This file is the reading loop and the collector's lifetime. Which content a new file holds is
 * in file-identity.ts, acknowledgements in order in ordered-acks.ts, the checkpoint's schedule and
 * content in checkpointing.ts, finding files in file-discovery.ts, the waits for room and between
 * polls in flow-control.ts, how many files are open at once in open-files.ts, one file's state
 * in tracked-file.ts.
 */
import { fstatSync, type Stats } from 'node:fs';
import { type FileHandle, stat } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import type { Batch, RawEvent } from '../core/events.js';
import { blockBatch, blockEvents, type LineBlock, newLineBlock, recycleBlock } from '../core/line-block.js';
import { Checkpoints } from './checkpointing.js';
import { SNIFF_BYTES } from './content-sniff.js';
import { type DiscoveryContext, discover, errCode } from './file-discovery.js';
import { tailIntact } from './file-identity.js';
import { ANCHOR_BYTES, FINGERPRINT_BYTES, fingerprintOf, readAnchor } from './fingerprint.js';
import { FlowControl } from './flow-control.js';
import { compileGlobs, type GlobSet } from './glob.js';
import { nextChunk, noteAnchor } from './gz-file.js';
import { flushCarry, resumeOffset, scanLines } from './line-scanner.js';
import { flushJoiner, joinLine } from './multiline.js';
import { joinBlock, knowsBytes, putPendingFirst } from './multiline-block.js';
import { OpenFiles } from './open-files.js';
import { type FileCollectorOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { holdBatch, noFailureYet, type PendingBatch, settleBatch } from './ordered-acks.js';
import { closeQuietly, type Tracked } from './tracked-file.js';

/** The collector's counters, for logs and metrics. */
export interface CollectorStats {
  /** Files tailed now (open, or closed while idle to keep open files within maxOpenFiles). */
  files: number;
  /** File handles held now (at most maxOpenFiles). */
  openFiles: number;
  /** Events emitted (joined multi-line events count once). */
  lines: number;
  /** Bytes read. */
  bytes: number;
  /** Batches emitted and not yet acknowledged. */
  pendingBatches: number;
  /** Renames and copies (rename and copytruncate rotation) followed. */
  rotations: number;
  /** Files found shorter than their read position (or rewritten) and read again from the start. */
  truncations: number;
  /** Lines cut at maxLineBytes, plus multi-line events cut at their limits. */
  linesTruncated: number;
  /** Files let go: read to their end after leaving the globs, deleted, or unreadable. */
  filesReleased: number;
  /** Milliseconds since the checkpoint was last written; null before the first write. */
  checkpointAgeMs: number | null;
  /**
   * Bytes of each file not yet acknowledged (stored), by path: on disk and not read yet, plus
   * read and not acknowledged. Measured against the file's size on disk now, so it grows while a
   * stopped store holds reading at the in-flight bound.
   */
  lagBytes: Record<string, number>;
}

const READ_BUFFER_BYTES = 256 * 1024;
/** A batch's block starts with room for this many bytes a line (it grows when lines are longer). */
const BLOCK_BYTES_PER_LINE = 256;

/** An empty block for `t`'s next batch, sized for what is left to read (at most a batch). */
function newBlock(t: Tracked, limit: number): LineBlock {
  const left = Math.max(0, t.size - t.readPos) + (t.scan.carry?.length ?? 0);
  const bytes = Math.min(left, limit * BLOCK_BYTES_PER_LINE) + 64;
  return newLineBlock(t.stamp, Math.min(limit, Math.ceil(bytes / 32)), bytes);
}

/**
 * A tailed file's size on disk now (one fstat of its open handle); the size last seen when it has
 * no handle or the fstat fails. The reading loop's own `size` stops moving while it waits for
 * acknowledgements, so the lag is measured here, when asked for (stats(), not per batch).
 */
function sizeOnDisk(t: Tracked): number {
  if (t.fh === null || t.gz !== null) return t.size;
  try {
    return fstatSync(t.fh.fd).size;
  } catch {
    return t.size;
  }
}

/** Events or lines in a batch's content. */
function sizeOf(out: RawEvent[] | LineBlock): number {
  return Array.isArray(out) ? out.length : out.count;
}

/** Tails files matched by globs; see docs/collecting.md. */
export class FileCollector {
  private readonly opts: ResolvedOptions;
  private readonly globs: GlobSet;
  private readonly buf = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private readonly scratch = Buffer.allocUnsafe(FINGERPRINT_BYTES);
  /** Which file's bytes `buf` holds, so a batch that stopped mid-buffer continues from memory. */
  private cacheOwner: Tracked | null = null;
  private cachePos = 0;
  private cacheLen = 0;
  private cacheCursor = 0;
  /** Live files by `dev:ino`. */
  private readonly live = new Map<string, Tracked>();
  /** Every file with state to checkpoint: live ones and released ones awaiting acks. */
  private readonly streams = new Set<Tracked>();
  /** Files that look like copies of a live file, waiting for its truncation: key → first seen. */
  private readonly maybeCopies = new Map<string, number>();
  private readonly checkpoints: Checkpoints;
  /** What finding and identifying new files may read and change here. */
  private readonly discovery: DiscoveryContext;
  private started = false;
  private stopped = false;
  private closed = false;
  private readonly flow: FlowControl;
  private counts = { lines: 0, bytes: 0, rotations: 0, truncations: 0, released: 0, cutClosed: 0 };
  /** Batches made outside the read loop (a truncation found during discovery), handed out next. */
  private readonly parked: Batch<RawEvent>[] = [];
  private busy: Promise<unknown> = Promise.resolve();
  /** Files that cannot be read now (error code by path), each warned about once. */
  private readonly warnedPaths = new Map<string, string>();
  /** Directories in the globs that cannot be listed now, by path. */
  private readonly unlistable = new Map<string, string>();
  /** Files let go because reading them failed, with the error code. */
  private readonly failed = new Map<string, string>();
  /** Bounds the handles held; closes idle files to make room. */
  private readonly files: OpenFiles;
  /** New files the last discovery left for later (no room to open them then, or a .gz still being written). */
  private deferred = 0;
  /** Files done with for good by `dev:ino`: .gz files read to their end, files that are not text. */
  private readonly finishedGz = new Set<string>();

  /** Validates the options; throws ConfigError naming a bad one. */
  constructor(opts: FileCollectorOptions) {
    this.opts = resolveOptions(opts);
    this.globs = compileGlobs(this.opts.paths, this.opts.exclude);
    this.flow = new FlowControl(this.opts.maxBatchesInFlight);
    this.files = new OpenFiles(this.opts.maxOpenFiles, (t) => this.closeIdle(t), this.opts.onWarning);
    this.checkpoints = new Checkpoints(this.opts, this.streams, (t) => {
      this.counts.cutClosed += t.scan.cut + (t.joiner?.cut ?? 0);
    });
    this.discovery = {
      opts: this.opts,
      globs: this.globs,
      warnedPaths: this.warnedPaths,
      unlistable: this.unlistable,
      files: this.files,
      finished: this.finishedGz,
      sniff: Buffer.allocUnsafe(SNIFF_BYTES),
      reopen: (t) => this.reopen(t),
      live: this.live,
      streams: this.streams,
      checkpoints: this.checkpoints,
      maybeCopies: this.maybeCopies,
      counts: this.counts,
      scratch: this.scratch,
      borrowBuffer: () => {
        this.cacheOwner = null;
        return this.buf;
      },
      truncated: (t) => {
        const b = this.truncated(t);
        if (b) this.parked.push(b);
      },
    };
  }

  /** Yields batches as data arrives, until stop() (or, with `once`, until everything is read). */
  async *batches(): AsyncGenerator<Batch<RawEvent>> {
    if (this.started) throw new UsageError('FileCollector.batches() can only run once');
    this.started = true;
    if (this.stopped) return;
    await this.track(this.checkpoints.load());
    let first = true;
    let lastScan = 0;
    while (!this.stopped) {
      const now = Date.now();
      if (first || now - lastScan >= this.opts.pollIntervalMs) {
        this.deferred = await this.track(discover(this.discovery, first));
        first = false;
        lastScan = now;
      }
      let produced = false;
      // Files with work this pass that could not be opened: no room, or not where they were.
      let waiting = false;
      while (this.parked.length > 0) {
        produced = true;
        yield this.parked.shift()!;
      }
      for (const t of [...this.live.values()]) {
        if (this.stopped) break;
        if (!this.mayHaveWork(t)) continue;
        await this.flow.waitForRoom();
        if (this.stopped) break;
        if (!t.fh) {
          // Closed while idle: opened again in its turn, or let go once gone from the globs.
          const batch = t.inGlob ? null : this.letGo(t);
          if (batch) {
            produced = true;
            yield batch;
          }
          if (!t.inGlob) continue;
          if (!(await this.track(this.reopen(t)))) {
            waiting = true;
            continue;
          }
        }
        const readFrom = t.readPos;
        const batch = await this.track(this.readBatch(t));
        this.files.used(t);
        // Lines read but held (a joined event's last line waits for the next) are progress too.
        if (t.readPos !== readFrom) produced = true;
        if (batch) {
          produced = true;
          yield batch;
        }
      }
      if (!produced) {
        if (this.opts.once && this.maybeCopies.size === 0 && !waiting && this.deferred === 0) break;
        await this.flow.sleep(this.opts.pollIntervalMs);
      }
    }
    const last = await this.track(this.flushAtShutdown());
    for (const b of last) yield b;
  }

  /** Stops reading; batches() finishes after what was already read. */
  stop(): void {
    this.stopped = true;
    this.flow.stop();
  }

  /** After stop: waits (bounded) for outstanding acks, writes the final checkpoint, closes files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stop();
    this.closed = true;
    await this.busy.catch(() => {});
    await this.flow.waitForAcks(Date.now() + this.opts.closeTimeoutMs);
    if (this.flow.inFlight > 0) {
      this.opts.onWarning(
        `${this.flow.inFlight} batch(es) still unacknowledged at close; they will be read again`,
      );
    }
    this.checkpoints.cancel();
    if (this.checkpoints.loaded) await this.checkpoints.saveNow();
    await this.busy.catch(() => {});
    for (const t of this.streams) {
      this.files.dropped(t);
      await closeQuietly(t);
    }
  }

  /**
   * What could not be read, for `once` runs to report: files that could not be opened or read
   * (and never were since), files let go after a read failed, and directories in the globs that
   * could not be listed; each as `path (CODE)`.
   */
  unread(): string[] {
    const out: string[] = [];
    for (const [dir, code] of this.unlistable) out.push(`${dir}/ (${code})`);
    for (const [path, code] of this.warnedPaths) out.push(`${path} (${code})`);
    for (const [path, code] of this.failed) if (!this.warnedPaths.has(path)) out.push(`${path} (${code})`);
    return out;
  }

  /** The collector's counters now. */
  stats(): CollectorStats {
    const lagBytes: Record<string, number> = {};
    const lastSaved = this.checkpoints.lastSaved;
    let cut = this.counts.cutClosed;
    for (const t of this.streams) {
      cut += t.scan.cut + (t.joiner?.cut ?? 0);
      // A released file is read to its end: what is left is its unacknowledged batches.
      const end = t.released ? t.readPos : Math.max(t.readPos, sizeOnDisk(t));
      const lag = Math.max(0, end - t.acks.offset);
      if (!t.released || lag > 0) lagBytes[t.path] = (lagBytes[t.path] ?? 0) + lag;
    }
    return {
      files: this.live.size,
      openFiles: this.files.count,
      lines: this.counts.lines,
      bytes: this.counts.bytes,
      pendingBatches: this.flow.inFlight,
      rotations: this.counts.rotations,
      truncations: this.counts.truncations,
      linesTruncated: cut,
      filesReleased: this.counts.released,
      checkpointAgeMs: lastSaved === null ? null : Date.now() - lastSaved,
      lagBytes,
    };
  }

  // --- reading -------------------------------------------------------------------------------

  /**
   * Whether a file needs a look this pass. Discovery stats every file on each poll anyway, so a
   * file it saw unchanged is skipped: one busy file among a thousand quiet ones is not slowed
   * by a thousand fstat calls per batch.
   */
  private mayHaveWork(t: Tracked): boolean {
    return (
      t.readPos < t.size ||
      t.seenSize !== t.size ||
      !t.inGlob ||
      t.joiner?.pending != null ||
      (t.gz !== null && !t.released) ||
      (this.cacheOwner === t && this.cacheCursor < this.cacheLen)
    );
  }

  private async readBatch(t: Tracked): Promise<Batch<RawEvent> | null> {
    const fh = t.fh;
    if (!fh) return null;
    if (t.gz !== null) return this.readGzBatch(t);
    let st: Stats;
    try {
      st = await fh.stat();
    } catch (err) {
      return this.fileFailed(t, err);
    }
    const now = Date.now();
    if (st.nlink === 0) t.deleted = true;
    if (st.size !== t.size) {
      if (st.size < t.readPos) return this.truncated(t);
      t.size = st.size;
      t.lastChange = now;
    }
    const limit = this.opts.maxBatchLines;
    const max = this.opts.maxLineBytes;
    t.stamp.received_at = now;
    const lines = newBlock(t, limit);
    // With a built-in joining rule the pending event leads the block (multiline-block.ts).
    const j = t.joiner;
    const byteRules = j !== null && knowsBytes(j.rule);
    const pendingFirst = byteRules && putPendingFirst(j, lines);
    const first = pendingFirst ? 1 : 0;
    const cap = limit + first; // a batch's new lines, besides the pending event
    try {
      while (lines.count < cap && t.readPos < t.size) {
        if (
          this.cacheOwner !== t ||
          this.cacheCursor >= this.cacheLen ||
          this.cachePos + this.cacheCursor !== t.readPos
        ) {
          const want = Math.min(this.buf.length, t.size - t.readPos);
          // Keep the bytes before the read position while the buffer still holds them: a batch
          // that ends just inside the next buffer then still knows its tail.
          this.keepTail(t);
          this.cacheOwner = null; // the read overwrites whatever the buffer held
          const { bytesRead } = await fh.read(this.buf, 0, want, t.readPos);
          if (bytesRead === 0) break;
          // Checked after the read, so a truncation racing with it cannot slip in new content
          // under the old generation: a file whose first line or whose bytes before our
          // position changed was truncated (and perhaps written past where we were).
          const same =
            t.readPos === 0
              ? fingerprintOf(this.buf.subarray(0, bytesRead)) === t.fingerprint
              : await tailIntact(t, this.scratch);
          if (!same) {
            if (lines.count > first) break; // hand out what was read before; the next batch sees it
            if (pendingFirst) lines.count = 0;
            return this.truncated(t);
          }
          this.cacheOwner = t;
          this.cachePos = t.readPos;
          this.cacheLen = bytesRead;
          this.cacheCursor = 0;
        }
        const from = this.cacheCursor;
        const to = scanLines(t.scan, this.buf, from, this.cacheLen, this.cachePos + from, max, lines, cap);
        this.cacheCursor = to;
        this.counts.bytes += to - from;
        t.readPos = this.cachePos + to;
      }
      this.keepTail(t);
    } catch (err) {
      const b = this.fileFailed(t, err);
      if (lines.count === first) {
        lines.count = 0;
        return b;
      }
    }
    const atEnd = t.readPos >= t.size;
    // A file gone from the globs (renamed away, deleted) is let go only once read to its end
    // and quiet for a while: a rotated file is always finished, never cut short by a timer.
    const done =
      t.fh !== null &&
      !t.inGlob &&
      atEnd &&
      lines.count < cap &&
      now - t.lastChange >= this.opts.releaseAfterMs;
    // Joined events are made here; plain lines travel as the block, decoded where they are used.
    let out: RawEvent[] | LineBlock = lines;
    if (j) {
      const flushAfter = this.opts.multiline!.timeoutMs;
      // A file being let go is joined line by line, so its unfinished last line can join too.
      out = joinBlock(j, lines, pendingFirst, now, flushAfter, atEnd, byteRules && !done, st.mtimeMs);
    }
    if (done) this.flushFile(t, out);
    const batch = sizeOf(out) > 0 ? this.makeBatch(t, out) : null;
    if (batch === null && out === lines) recycleBlock(lines);
    if (done) {
      if (t.deleted) this.opts.onWarning(`${t.path}: deleted; read to its end and released`);
      this.release(t);
    }
    return batch;
  }

  /**
   * The next batch of a .gz file's text (gz-file.ts): read on to its end, then let go. Damaged
   * data ends it at the last whole line before the damage, with a warning naming the file.
   */
  private async readGzBatch(t: Tracked): Promise<Batch<RawEvent> | null> {
    const g = t.gz!;
    const limit = this.opts.maxBatchLines;
    const max = this.opts.maxLineBytes;
    const now = Date.now();
    t.stamp.received_at = now;
    const lines = newLineBlock(t.stamp, Math.min(limit, 1024), 256 * 1024);
    while (lines.count < limit) {
      const c = g.chunk !== null && g.cursor < g.chunk.length ? g.chunk : await nextChunk(g);
      if (c === null) break;
      const from = g.cursor;
      const to = scanLines(t.scan, c, from, c.length, g.chunkPos + from, max, lines, limit);
      g.cursor = to;
      this.counts.bytes += to - from;
      t.readPos = g.chunkPos + to;
      t.size = t.readPos;
      noteAnchor(g, resumeOffset(t.scan));
    }
    let out: RawEvent[] | LineBlock = lines;
    if (t.joiner) {
      const events: RawEvent[] = [];
      for (const ev of blockEvents(lines)) joinLine(t.joiner, ev, events, now);
      recycleBlock(lines);
      out = events;
    }
    const done = g.ended && g.chunk === null;
    if (done) {
      if (g.damage === null) {
        this.flushFile(t, out);
        noteAnchor(g, resumeOffset(t.scan));
      } else {
        // The line the damage cut is not a line: never emitted, never checkpointed past.
        if (t.joiner && Array.isArray(out)) flushJoiner(t.joiner, out);
        this.opts.onWarning(
          `${t.path}: damaged gzip data after ${t.readPos} bytes of text (${g.damage}); read up to the last whole line before it`,
        );
      }
    }
    const batch = sizeOf(out) > 0 ? this.makeBatch(t, out) : null;
    if (batch === null && out === lines) recycleBlock(lines);
    if (done) {
      this.finishedGz.add(t.key);
      this.release(t);
    }
    return batch;
  }

  /** Adds what a finished file still holds: its unterminated last line and a pending joined event. */
  private flushFile(t: Tracked, out: RawEvent[] | LineBlock): void {
    if (!Array.isArray(out)) {
      flushCarry(t.scan, this.opts.maxLineBytes, out);
      return;
    }
    const rest = newLineBlock(t.stamp, 1, 64);
    flushCarry(t.scan, this.opts.maxLineBytes, rest);
    const evs = blockEvents(rest);
    recycleBlock(rest);
    if (t.joiner) {
      for (const ev of evs) joinLine(t.joiner, ev, out, Date.now());
      flushJoiner(t.joiner, out);
    } else {
      for (const ev of evs) out.push(ev);
    }
  }

  /** Remembers the bytes before the read position, from the read buffer when it holds them. */
  private keepTail(t: Tracked): void {
    if (this.cacheOwner !== t || t.tailPos === t.readPos) return;
    if (this.cachePos + this.cacheCursor !== t.readPos) return;
    const end = this.cacheCursor;
    const n = Math.min(ANCHOR_BYTES, end);
    if (n === ANCHOR_BYTES || this.cachePos === 0) {
      t.tail = Buffer.from(this.buf.subarray(end - n, end));
    } else if (t.tailPos === this.cachePos) {
      const joined = Buffer.concat([t.tail, this.buf.subarray(0, end)]);
      t.tail = joined.subarray(Math.max(0, joined.length - ANCHOR_BYTES));
    } else {
      return;
    }
    t.tailPos = t.readPos;
  }

  private truncated(t: Tracked): Batch<RawEvent> | null {
    this.counts.truncations++;
    this.opts.onWarning(`${t.path}: truncated; its new content is read from the start`);
    // The partial last line stays unread: with copytruncate its rest is in the copy, which
    // continues this file's reading if it shows up.
    const events: RawEvent[] = [];
    if (t.joiner) flushJoiner(t.joiner, events);
    const batch = events.length > 0 ? this.makeBatch(t, events) : null;
    this.release(t);
    return batch;
  }

  private makeBatch(t: Tracked, out: RawEvent[] | LineBlock): Batch<RawEvent> {
    const pendingJoin = t.joiner?.pending ?? null;
    const end = pendingJoin ? pendingJoin.offset : resumeOffset(t.scan);
    const p = holdBatch(t.acks, end, pendingJoin ? false : t.scan.skipping);
    // A .gz file's checkpoint cannot read its anchor back from the file: kept per batch end.
    if (t.gz !== null && t.gz.anchorAt === end) t.gz.anchors.set(end, t.gz.anchor);
    this.flow.sent();
    this.counts.lines += sizeOf(out);
    const ack = (err?: Error) => this.onAck(t, p, err);
    const batch = Array.isArray(out) ? { events: out, ack } : blockBatch(out, ack);
    // The last batch the window lets out: reading waits for an ack before the next, so the store
    // need not wait out its flush interval for more. At the end of 30 files, their last small
    // batches (8 in flight) each waited 500 ms: the last 24 events of 889,665 took 1.5 s.
    if (this.flow.full()) batch.waited = true;
    return batch;
  }

  private onAck(t: Tracked, p: PendingBatch, err?: Error): void {
    if (p.done) return;
    // Once per file: every batch after a failed one is held back anyway.
    if (err && noFailureYet(t.acks)) {
      this.opts.onWarning(
        `${t.stamp.source}: a batch was not delivered (${err.message}); it will be read again`,
      );
    }
    if (settleBatch(t.acks, p, err !== undefined)) this.checkpoints.dirty = true;
    this.flow.acked();
    this.scheduleCheckpoint();
  }

  /** At shutdown: joined events still pending, and last lines of files quiet long enough. */
  private async flushAtShutdown(): Promise<Batch<RawEvent>[]> {
    const batches: Batch<RawEvent>[] = [];
    const now = Date.now();
    for (const t of this.live.values()) {
      let out: RawEvent[] | LineBlock = [];
      if (t.scan.carry !== null) {
        let quiet = false;
        try {
          // A file closed while idle is looked at by path, and must still be the same file.
          const st = t.fh ? await t.fh.stat() : await stat(t.path);
          quiet =
            st.dev === t.dev &&
            st.ino === t.ino &&
            st.size === t.readPos &&
            now - st.mtimeMs >= this.opts.partialLineFlushMs;
        } catch {
          // unreadable now: keep the line for the next run
        }
        t.stamp.received_at = now;
        if (!t.joiner) out = newLineBlock(t.stamp, 1, 64);
        if (quiet) this.flushFile(t, out);
        if (!Array.isArray(out) && out.count === 0) recycleBlock(out);
      }
      if (t.joiner && Array.isArray(out)) flushJoiner(t.joiner, out);
      if (sizeOf(out) > 0) batches.push(this.makeBatch(t, out));
    }
    return batches;
  }

  // --- letting go ---------------------------------------------------------------------------

  private fileFailed(t: Tracked, err: unknown): Batch<RawEvent> | null {
    const code = errCode(err);
    this.opts.onWarning(`${t.path}: cannot be read (${code}); released`);
    if (this.opts.once) this.failed.set(t.path, code); // only `once` runs report them
    this.release(t);
    return null;
  }

  // --- open files -----------------------------------------------------------------------------

  /** Closes a file's handle to make room for another; it stays tracked, its state in memory. */
  private async closeIdle(t: Tracked): Promise<void> {
    const fh = t.fh;
    if (!fh) return;
    if (this.cacheOwner === t) {
      this.keepTail(t);
      this.cacheOwner = null;
    }
    // The checkpoint needs the bytes before the acknowledged position; read them while we can.
    const at = t.acks.offset;
    if (at > 0 && t.tailPos !== at) {
      t.closedAnchor = { at, text: (await readAnchor(fh, at).catch(() => null)) ?? '' };
    }
    t.fh = null;
    await fh.close().catch(() => {});
  }

  /**
   * Opens a file closed while idle again, by identity: the file now at its path must have its
   * device and inode (its content is checked after every read, as always). False when there is
   * no room now, or the path names another file (discovery then finds where it went, or that it
   * left the globs).
   */
  private async reopen(t: Tracked): Promise<boolean> {
    let fh: FileHandle | null;
    try {
      fh = await this.files.open(t.path, t);
    } catch (err) {
      if (errCode(err) !== 'ENOENT') this.fileFailed(t, err);
      return false;
    }
    if (fh === null) return false;
    try {
      const st = await fh.stat();
      if (st.dev === t.dev && st.ino === t.ino && !t.released) {
        t.fh = fh;
        this.files.hold(t);
        return true;
      }
    } catch {
      // unreadable now: tried again in its turn
    }
    await this.files.discard(fh);
    return false;
  }

  /**
   * Lets go of a file that left the globs while closed: it cannot be followed by its handle
   * now, so what it got after its last read is not read. Its unterminated last line and pending
   * joined event are emitted, as for any file let go.
   */
  private letGo(t: Tracked): Batch<RawEvent> | null {
    if (t.readPos < t.size) {
      this.opts.onWarning(
        `${t.path}: left the globs while closed to keep open files within max_open_files; ${t.size - t.readPos} byte(s) not read`,
      );
    }
    t.stamp.received_at = Date.now();
    const out: RawEvent[] | LineBlock = t.joiner ? [] : newLineBlock(t.stamp, 1, 64);
    this.flushFile(t, out);
    const batch = sizeOf(out) > 0 ? this.makeBatch(t, out) : null;
    if (batch === null && !Array.isArray(out)) recycleBlock(out);
    this.release(t);
    return batch;
  }

  /** Lets go of a file: no more reads; its state stays until its batches are acknowledged. */
  private release(t: Tracked): void {
    if (t.released) return;
    t.released = true;
    this.counts.released++;
    if (this.live.get(t.key) === t) this.live.delete(t.key);
    if (this.cacheOwner === t) this.cacheOwner = null;
    this.files.dropped(t);
    const fh = t.fh;
    t.fh = null;
    if (fh) this.busy = this.busy.then(() => fh.close()).catch(() => {});
    this.checkpoints.dirty = true;
    this.scheduleCheckpoint();
  }

  private scheduleCheckpoint(): void {
    if (!this.closed) this.checkpoints.schedule();
  }

  /** Runs `p` as the current file work, so close() can wait for it before closing files. */
  private track<T>(p: Promise<T>): Promise<T> {
    // The caller awaits `p` itself and sees its error; the chain only orders close() after it.
    this.busy = this.busy.then(
      () => p.catch(() => {}),
      () => p.catch(() => {}),
    );
    return p;
  }
}
