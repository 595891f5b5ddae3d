/**
 * The file collector: tails every file matched by the globs, emits their lines in acknowledged
 * batches (as the bytes they were read from, or as RawEvents where lines are joined), and keeps
 * a checkpoint that moves only when batches are acknowledged, in order per file. Files are told apart by content (a fingerprint of the first line, and the
 * bytes before a checkpoint offset); inode and device are hints. So a restart, a rename, a copy
 * (copytruncate) or a truncation of a file each continue or restart exactly where its content
 * says, and a rotated file is read to its end before it is let go.
 */
import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import type { Batch, RawEvent } from '../core/events.js';
import {
  blockBatch,
  blockEvents,
  type LineBlock,
  type LineStamp,
  newLineBlock,
  recycleBlock,
} from '../core/line-block.js';
import { type CheckpointEntry, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import {
  ANCHOR_BYTES,
  FINGERPRINT_BYTES,
  fingerprintOf,
  readAnchor,
  readFingerprint,
} from './fingerprint.js';
import { compileGlobs, expandGlobs, type GlobSet } from './glob.js';
import { flushCarry, newScanState, resumeOffset, type ScanState, scanLines } from './line-scanner.js';
import { flushJoiner, type Joiner, joinLine, newJoiner } from './multiline.js';
import {
  type CommittedPosition,
  type FileCollectorOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';

/** The collector's counters, for logs and metrics. */
export interface CollectorStats {
  /** Files open and tailed now. */
  files: number;
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
  /** Bytes known to be in each tailed file and not read yet, by path. */
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

/** Events or lines in a batch's content. */
function sizeOf(out: RawEvent[] | LineBlock): number {
  return Array.isArray(out) ? out.length : out.count;
}
/** Entries of files gone this long are forgotten, and at most this many are kept. */
const FORGET_AFTER_MS = 7 * 24 * 3600 * 1000;
const MAX_KNOWN = 10_000;

/** A batch handed out and not yet acknowledged; `end`/`skip` is where the file stands after it. */
interface PendingBatch {
  end: number;
  skip: boolean;
  done: boolean;
  failed: boolean;
}

/** One file (one source and generation) and where reading and acknowledgement stand in it. */
interface Tracked {
  key: string;
  dev: number;
  ino: number;
  path: string;
  fh: FileHandle | null;
  fingerprint: string;
  stamp: LineStamp;
  scan: ScanState;
  joiner: Joiner | null;
  /** Next byte to read. */
  readPos: number;
  /** File size at the last look. */
  size: number;
  /** Size the last discovery saw: a file that has not changed since is not looked at again. */
  seenSize: number;
  /** Epoch ms of the last growth seen. */
  lastChange: number;
  /** Matched by the globs at the last discovery. */
  inGlob: boolean;
  deleted: boolean;
  /** The bytes just before `tailPos` (up to ANCHOR_BYTES): proof that the content is unchanged. */
  tail: Buffer;
  tailPos: number;
  pending: PendingBatch[];
  ackedOffset: number;
  ackedSkip: boolean;
  /** A batch failed: the checkpoint stays before it so a restart re-reads it. */
  stalled: boolean;
  released: boolean;
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
  /** Checkpoint entries of files not open now, by `source\0generation`. */
  private readonly known = new Map<string, CheckpointEntry>();
  /** Files that look like copies of a live file, waiting for its truncation: key → first seen. */
  private readonly maybeCopies = new Map<string, number>();
  private checkpointStatus: 'ok' | 'missing' | 'corrupt' = 'missing';
  private loaded = false;
  private started = false;
  private stopped = false;
  private closed = false;
  private inFlight = 0;
  private counts = { lines: 0, bytes: 0, rotations: 0, truncations: 0, released: 0, cutClosed: 0 };
  /** Batches made outside the read loop (a truncation found during discovery), handed out next. */
  private readonly parked: Batch<RawEvent>[] = [];
  private lastSaved: number | null = null;
  private waiters: Array<() => void> = [];
  private sleepTimer: NodeJS.Timeout | null = null;
  private sleepWake: (() => void) | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private busy: Promise<unknown> = Promise.resolve();
  private readonly warnedPaths = new Set<string>();

  /** Validates the options; throws ConfigError naming a bad one. */
  constructor(opts: FileCollectorOptions) {
    this.opts = resolveOptions(opts);
    this.globs = compileGlobs(this.opts.paths, this.opts.exclude);
  }

  /** Yields batches as data arrives, until stop() (or, with `once`, until everything is read). */
  async *batches(): AsyncGenerator<Batch<RawEvent>> {
    if (this.started) throw new UsageError('FileCollector.batches() can only run once');
    this.started = true;
    if (this.stopped) return;
    await this.track(this.load());
    let first = true;
    let lastScan = 0;
    while (!this.stopped) {
      const now = Date.now();
      if (first || now - lastScan >= this.opts.pollIntervalMs) {
        await this.track(this.discover(first));
        first = false;
        lastScan = now;
      }
      let produced = false;
      while (this.parked.length > 0) {
        produced = true;
        yield this.parked.shift()!;
      }
      for (const t of [...this.live.values()]) {
        if (this.stopped) break;
        if (!this.mayHaveWork(t)) continue;
        await this.waitForRoom();
        if (this.stopped) break;
        const batch = await this.track(this.readBatch(t));
        if (batch) {
          produced = true;
          yield batch;
        }
      }
      if (!produced) {
        if (this.opts.once && this.maybeCopies.size === 0) break;
        await this.sleep(this.opts.pollIntervalMs);
      }
    }
    const last = await this.track(this.flushAtShutdown());
    for (const b of last) yield b;
  }

  /** Stops reading; batches() finishes after what was already read. */
  stop(): void {
    this.stopped = true;
    this.wakeAll();
  }

  /** After stop: waits (bounded) for outstanding acks, writes the final checkpoint, closes files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stop();
    this.closed = true;
    await this.busy.catch(() => {});
    const deadline = Date.now() + this.opts.closeTimeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
    if (this.inFlight > 0) {
      this.opts.onWarning(
        `${this.inFlight} batch(es) still unacknowledged at close; they will be read again`,
      );
    }
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    if (this.loaded) await this.saveNow();
    await this.busy.catch(() => {});
    for (const t of this.streams) await closeQuietly(t);
  }

  /** The collector's counters now. */
  stats(): CollectorStats {
    const lagBytes: Record<string, number> = {};
    let cut = this.counts.cutClosed;
    for (const t of this.streams) {
      cut += t.scan.cut + (t.joiner?.cut ?? 0);
      if (!t.released) lagBytes[t.path] = Math.max(0, t.size - t.readPos);
    }
    return {
      files: this.live.size,
      lines: this.counts.lines,
      bytes: this.counts.bytes,
      pendingBatches: this.inFlight,
      rotations: this.counts.rotations,
      truncations: this.counts.truncations,
      linesTruncated: cut,
      filesReleased: this.counts.released,
      checkpointAgeMs: this.lastSaved === null ? null : Date.now() - this.lastSaved,
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
      (this.cacheOwner === t && this.cacheCursor < this.cacheLen)
    );
  }

  private async readBatch(t: Tracked): Promise<Batch<RawEvent> | null> {
    const fh = t.fh;
    if (!fh) return null;
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
    try {
      while (lines.count < limit && t.readPos < t.size) {
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
              : await this.tailIntact(t);
          if (!same) {
            if (lines.count > 0) break; // hand out what was read before; the next batch sees it
            return this.truncated(t);
          }
          this.cacheOwner = t;
          this.cachePos = t.readPos;
          this.cacheLen = bytesRead;
          this.cacheCursor = 0;
        }
        const from = this.cacheCursor;
        const to = scanLines(t.scan, this.buf, from, this.cacheLen, this.cachePos + from, max, lines, limit);
        this.cacheCursor = to;
        this.counts.bytes += to - from;
        t.readPos = this.cachePos + to;
      }
      this.keepTail(t);
    } catch (err) {
      const b = this.fileFailed(t, err);
      if (lines.count === 0) return b;
    }
    const atEnd = t.readPos >= t.size;
    // Joined events are made here; plain lines travel as the block, decoded where they are used.
    let out: RawEvent[] | LineBlock = lines;
    const j = t.joiner;
    if (j) {
      const events: RawEvent[] = [];
      for (const ev of blockEvents(lines)) joinLine(j, ev, events, now);
      recycleBlock(lines);
      if (j.pending && atEnd && now - j.lastAt >= this.opts.multiline!.timeoutMs) flushJoiner(j, events);
      out = events;
    }
    // A file gone from the globs (renamed away, deleted) is let go only once read to its end
    // and quiet for a while: a rotated file is always finished, never cut short by a timer.
    const done =
      t.fh !== null &&
      !t.inGlob &&
      atEnd &&
      lines.count < limit &&
      now - t.lastChange >= this.opts.releaseAfterMs;
    if (done) this.flushFile(t, out);
    const batch = sizeOf(out) > 0 ? this.makeBatch(t, out) : null;
    if (batch === null && out === lines) recycleBlock(lines);
    if (done) {
      if (t.deleted) this.opts.onWarning(`${t.path}: deleted; read to its end and released`);
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

  /** True unless the bytes just before the read position differ from what was read there. */
  private async tailIntact(t: Tracked): Promise<boolean> {
    if (!t.fh) return true;
    if (t.tailPos === t.readPos && t.readPos > 0) return equalsAt(t.fh, t.readPos, t.tail);
    // Nothing read yet (or the tail is unknown): at least the first line must be the same.
    return (await readFingerprint(t.fh, this.scratch)) === t.fingerprint;
  }

  /**
   * True when `fh` holds what `t` read, up to its read position: `t` can continue in it. The size
   * is looked at now, not taken from discovery: a copy still being written when discovery saw it
   * is complete once its original has been truncated, and that is when this is asked.
   */
  private async continuesIn(t: Tracked, fh: FileHandle): Promise<boolean> {
    const { size } = await fh.stat();
    if (size < t.readPos) return false;
    if (t.readPos === 0) return true;
    return t.tailPos === t.readPos && equalsAt(fh, t.readPos, t.tail);
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
    const p: PendingBatch = pendingJoin
      ? { end: pendingJoin.offset, skip: false, done: false, failed: false }
      : { end: resumeOffset(t.scan), skip: t.scan.skipping, done: false, failed: false };
    t.pending.push(p);
    this.inFlight++;
    this.counts.lines += sizeOf(out);
    const ack = (err?: Error) => this.onAck(t, p, err);
    return Array.isArray(out) ? { events: out, ack } : blockBatch(out, ack);
  }

  private onAck(t: Tracked, p: PendingBatch, err?: Error): void {
    if (p.done) return;
    p.done = true;
    if (err) {
      p.failed = true;
      // Once per file: every batch after a failed one is held back anyway.
      if (!t.stalled && !t.pending.some((q) => q.failed && q !== p)) {
        this.opts.onWarning(
          `${t.stamp.source}: a batch was not delivered (${err.message}); it will be read again`,
        );
      }
    }
    this.inFlight--;
    while (t.pending.length > 0 && t.pending[0].done) {
      const q = t.pending.shift()!;
      if (q.failed) t.stalled = true;
      if (!t.stalled) {
        t.ackedOffset = q.end;
        t.ackedSkip = q.skip;
        this.dirty = true;
      }
    }
    this.wakeAll();
    this.scheduleCheckpoint();
  }

  /** At shutdown: joined events still pending, and last lines of files quiet long enough. */
  private async flushAtShutdown(): Promise<Batch<RawEvent>[]> {
    const batches: Batch<RawEvent>[] = [];
    const now = Date.now();
    for (const t of this.live.values()) {
      if (!t.fh) continue;
      let out: RawEvent[] | LineBlock = [];
      if (t.scan.carry !== null) {
        let quiet = false;
        try {
          const st = await t.fh.stat();
          quiet = st.size === t.readPos && now - st.mtimeMs >= this.opts.partialLineFlushMs;
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

  // --- discovery and identity ----------------------------------------------------------------

  private async discover(first: boolean): Promise<void> {
    const paths = await expandGlobs(this.globs);
    if (first && paths.length === 0) {
      this.opts.onWarning(`no files match ${this.opts.paths.join(', ')} yet; waiting for them`);
    }
    const seen = new Set<string>();
    for (const path of paths) {
      let s: Stats;
      try {
        s = await stat(path);
      } catch {
        continue; // gone between listing and stat
      }
      if (!s.isFile()) continue;
      const key = `${s.dev}:${s.ino}`;
      if (seen.has(key)) continue; // a second link to a file already seen in this scan
      seen.add(key);
      const t = this.live.get(key);
      if (t) {
        t.seenSize = s.size;
        if (t.path !== path) {
          this.counts.rotations++;
          t.path = path;
        }
        continue;
      }
      await this.openFile(path, key, s, first);
    }
    for (const t of this.live.values()) t.inGlob = seen.has(t.key);
    for (const k of this.maybeCopies.keys()) if (!seen.has(k)) this.maybeCopies.delete(k);
    this.warnedPaths.forEach((p) => {
      if (!paths.includes(p)) this.warnedPaths.delete(p);
    });
  }

  private async openFile(path: string, key: string, s: Stats, first: boolean): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      this.warnOnce(path, `${path}: cannot open (${errCode(err)}); skipped until it can be`);
      return;
    }
    let keep = false;
    try {
      // The path may name another file by now (renamed away and recreated between the stat and
      // the open): identify the file actually opened, or leave it to the next poll.
      const st = await fh.stat();
      if (st.dev === s.dev && st.ino === s.ino) keep = await this.identify(fh, path, key, st, first);
    } catch (err) {
      this.warnOnce(path, `${path}: cannot read (${errCode(err)}); skipped until it can be`);
    } finally {
      if (!keep) await fh.close().catch(() => {});
    }
  }

  /** Works out which content a newly seen file holds and starts tailing it; false to skip it for now. */
  private async identify(
    fh: FileHandle,
    path: string,
    key: string,
    s: Stats,
    first: boolean,
  ): Promise<boolean> {
    const fp = await readFingerprint(fh, this.scratch);
    if (fp === null) return false; // empty, or no whole first line yet: identify it on a later poll
    this.warnedPaths.delete(path);

    // 1. The continuation of a file let go while its acks are pending: a copytruncate copy,
    //    or a file renamed back into the globs. It carries on in the same source and generation.
    for (const t of this.streams) {
      if (t.released && t.fingerprint === fp && (await this.continuesIn(t, fh))) {
        this.adopt(t, fh, path, key, s);
        return true;
      }
    }
    // 2. A copy of a file still tailed: copytruncate copies first and truncates after, so
    //    wait a little for the original's truncation before reading this as a file of its own.
    for (const t of [...this.live.values()]) {
      if (t.fingerprint !== fp || !t.fh) continue;
      const st = await t.fh.stat();
      if (st.size < t.readPos || !(await this.tailIntact(t))) {
        const b = this.truncated(t);
        if (b) this.parked.push(b);
        if (await this.continuesIn(t, fh)) {
          this.adopt(t, fh, path, key, s);
          return true;
        }
        continue;
      }
      if (await samePrefix(fh, s.size, t.fh, Math.min(st.size, t.readPos))) {
        const since = this.maybeCopies.get(key) ?? Date.now();
        this.maybeCopies.set(key, since);
        if (Date.now() - since < this.opts.copyWaitMs) return false;
      }
    }
    this.maybeCopies.delete(key);

    // 3. A file known from the checkpoint: same fingerprint and the same bytes before its offset.
    const match = await this.matchKnown(fp, path, s, fh);
    let start = 0;
    let skip = false;
    let source = path;
    let generation: string | undefined;
    if (match && !match.truncated) {
      start = match.entry.offset;
      skip = match.entry.skip;
      source = match.entry.source;
      generation = match.entry.generation;
      this.known.delete(entryKey(source, generation));
      if (match.entry.path !== path) this.counts.rotations++;
    } else {
      // 4. New content.
      if (match) {
        source = match.entry.source;
        this.counts.truncations++;
        this.opts.onWarning(
          `${path}: shorter than its checkpoint; it was truncated and is read from the start`,
        );
      } else {
        const known = await this.matchCommitted(fp, fh, (await fh.stat()).size);
        if (known) {
          // 5. Content the store holds but the checkpoint had not recorded yet: carry on after it.
          this.counts.rotations++;
          source = known.source;
          start = known.next;
        } else if (first && this.checkpointStatus === 'missing' && this.opts.startAt === 'end') {
          this.cacheOwner = null; // lastLineEnd reads into the shared buffer
          start = await lastLineEnd(fh, s.size, this.buf);
        }
        if (known) {
          generation = known.generation;
          this.known.delete(entryKey(source, generation));
        }
      }
    }
    generation ??= this.newGeneration(source, fp);
    // The bytes before the start: from the checkpoint, or read now from the content just matched.
    let tail: Buffer | null = null;
    if (match && !match.truncated && match.entry.anchor !== '')
      tail = Buffer.from(match.entry.anchor, 'base64');
    else if (start > 0) tail = await readTail(fh, start);
    const t: Tracked = {
      key,
      dev: s.dev,
      ino: s.ino,
      path,
      fh,
      fingerprint: fp,
      stamp: {
        source,
        generation,
        received_at: 0,
        ...(this.opts.host !== undefined ? { host: this.opts.host } : {}),
        ...(this.opts.service !== undefined ? { service: this.opts.service } : {}),
        ...(this.opts.format !== undefined ? { format: this.opts.format } : {}),
      },
      scan: newScanState(start, skip),
      joiner: this.opts.multiline
        ? newJoiner(this.opts.multiline.rule, this.opts.multiline.maxLines, this.opts.maxLineBytes)
        : null,
      readPos: start,
      size: start,
      seenSize: s.size,
      lastChange: Date.now(),
      inGlob: true,
      deleted: false,
      tail: Buffer.alloc(0),
      tailPos: -1,
      pending: [],
      ackedOffset: start,
      ackedSkip: skip,
      stalled: false,
      released: false,
    };
    if (tail) {
      t.tail = tail;
      t.tailPos = start;
    }
    this.live.set(key, t);
    this.streams.add(t);
    this.dirty = true;
    return true;
  }

  /** Continues a released file's reading in another file holding the same content. */
  private adopt(t: Tracked, fh: FileHandle, path: string, key: string, s: Stats): void {
    t.fh = fh;
    t.key = key;
    t.dev = s.dev;
    t.ino = s.ino;
    t.path = path;
    t.released = false;
    t.deleted = false;
    t.inGlob = true;
    t.size = t.readPos;
    t.seenSize = s.size;
    t.lastChange = Date.now();
    this.live.set(key, t);
    this.maybeCopies.delete(key);
    this.counts.rotations++;
    this.dirty = true;
  }

  /** Finds the checkpoint entry of this content: same fingerprint and same bytes before its offset. */
  private async matchKnown(
    fp: string,
    path: string,
    s: Stats,
    fh: FileHandle,
  ): Promise<{ entry: CheckpointEntry; truncated: boolean } | null> {
    const cands: CheckpointEntry[] = [];
    for (const e of this.known.values()) if (e.fingerprint === fp) cands.push(e);
    const sameFile = (e: CheckpointEntry) => e.dev === s.dev && e.ino === s.ino;
    const score = (e: CheckpointEntry) => (sameFile(e) ? 2 : 0) + (e.path === path ? 1 : 0);
    cands.sort((a, b) => score(b) - score(a) || b.updated - a.updated);
    for (const c of cands) {
      if (s.size >= c.offset) {
        if (c.offset === 0) return { entry: c, truncated: false };
        if (c.anchor !== '') {
          if (await equalsAt(fh, c.offset, Buffer.from(c.anchor, 'base64')))
            return { entry: c, truncated: false };
        } else if (score(c) > 0) {
          return { entry: c, truncated: false }; // nothing to compare: trust the hints
        }
      } else if (score(c) === 3) {
        return { entry: c, truncated: true };
      }
    }
    return null;
  }

  /**
   * Asks the store (when wired) for content with this fingerprint, and checks the file holds the
   * store's last line at its offset, so a file that merely shares a first line is not taken for it.
   */
  private async matchCommitted(
    fp: string,
    fh: FileHandle,
    size: number,
  ): Promise<{ source: string; generation: string; next: number } | null> {
    if (!this.opts.lookupCommitted) return null;
    let found: CommittedPosition[];
    try {
      found = await this.opts.lookupCommitted(fp);
    } catch (err) {
      this.opts.onWarning(`cannot ask the store about a file's content: ${(err as Error).message}`);
      return null;
    }
    for (const c of found) {
      const line = Buffer.from(`${c.raw}\n`, 'utf8');
      if (size < c.offset + line.length) continue;
      if (!(await equalsAt(fh, c.offset + line.length, line))) continue;
      // Even when a stream of this content is still open (a copytruncate copy seen before the
      // original's truncation was noticed), the same identity is right: equal bytes at equal
      // offsets are the same events, and the store keeps each (source, generation, offset) once.
      return { source: c.source, generation: c.generation, next: c.offset + line.length };
    }
    return null;
  }

  /** The fingerprint as generation, with a suffix when this source already had that content id. */
  private newGeneration(source: string, fp: string): string {
    const taken = (g: string) => {
      if (this.known.has(entryKey(source, g))) return true;
      for (const t of this.streams) if (t.stamp.source === source && t.stamp.generation === g) return true;
      return false;
    };
    let gen = fp;
    for (let n = 1; taken(gen); n++) gen = `${fp}-${n}`;
    return gen;
  }

  private fileFailed(t: Tracked, err: unknown): Batch<RawEvent> | null {
    this.opts.onWarning(`${t.path}: cannot be read (${errCode(err)}); released`);
    this.release(t);
    return null;
  }

  /** Lets go of a file: no more reads; its state stays until its batches are acknowledged. */
  private release(t: Tracked): void {
    if (t.released) return;
    t.released = true;
    this.counts.released++;
    if (this.live.get(t.key) === t) this.live.delete(t.key);
    if (this.cacheOwner === t) this.cacheOwner = null;
    const fh = t.fh;
    t.fh = null;
    if (fh) this.busy = this.busy.then(() => fh.close()).catch(() => {});
    this.dirty = true;
    this.scheduleCheckpoint();
  }

  private warnOnce(path: string, msg: string): void {
    if (this.warnedPaths.has(path)) return;
    this.warnedPaths.add(path);
    this.opts.onWarning(msg);
  }

  // --- checkpoints ---------------------------------------------------------------------------

  private async load(): Promise<void> {
    const r = await loadCheckpoint(
      this.opts.checkpointPath,
      this.opts.onWarning,
      this.opts.warnIfNoCheckpoint,
    );
    this.checkpointStatus = r.status;
    for (const e of r.entries) this.known.set(entryKey(e.source, e.generation), e);
    this.loaded = true;
  }

  private scheduleCheckpoint(): void {
    if (!this.dirty || this.checkpointTimer || this.closed) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      void this.saveNow();
    }, this.opts.checkpointIntervalMs);
    this.checkpointTimer.unref();
  }

  /** Writes the checkpoint now (one write at a time); failures are warnings, never crashes. */
  private saveNow(): Promise<void> {
    this.saving = this.saving.then(async () => {
      this.dirty = false;
      try {
        await saveCheckpoint(this.opts.checkpointPath, await this.entries());
        this.lastSaved = Date.now();
      } catch (err) {
        this.opts.onWarning(`cannot write checkpoint ${this.opts.checkpointPath}: ${(err as Error).message}`);
      }
    });
    return this.saving;
  }

  private async entries(): Promise<CheckpointEntry[]> {
    const now = Date.now();
    const out: CheckpointEntry[] = [];
    for (const t of [...this.streams]) {
      let anchor = '';
      if (t.ackedOffset === 0) anchor = '';
      else if (t.tailPos === t.ackedOffset) anchor = t.tail.toString('base64');
      else if (t.fh) anchor = (await readAnchor(t.fh, t.ackedOffset).catch(() => null)) ?? '';
      const e = toEntry(t, anchor, now);
      if (t.released && t.pending.length === 0) {
        // Settled: keep it as a plain entry so a reappearing file (renamed back, copied) resumes.
        this.streams.delete(t);
        this.counts.cutClosed += t.scan.cut + (t.joiner?.cut ?? 0);
        this.known.set(entryKey(e.source, e.generation), e);
      } else {
        out.push(e);
      }
    }
    let kept = [...this.known.values()].filter((e) => now - e.updated < FORGET_AFTER_MS);
    if (kept.length > MAX_KNOWN) kept = kept.sort((a, b) => b.updated - a.updated).slice(0, MAX_KNOWN);
    if (kept.length !== this.known.size) {
      this.known.clear();
      for (const e of kept) this.known.set(entryKey(e.source, e.generation), e);
    }
    return [...kept, ...out];
  }

  // --- flow control --------------------------------------------------------------------------

  private async waitForRoom(): Promise<void> {
    while (this.inFlight >= this.opts.maxBatchesInFlight && !this.stopped) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      this.sleepWake = r;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = null;
        this.sleepWake = null;
        r();
      }, ms);
    });
  }

  private wakeAll(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
    if (this.stopped && this.sleepWake) {
      if (this.sleepTimer) clearTimeout(this.sleepTimer);
      this.sleepTimer = null;
      const w = this.sleepWake;
      this.sleepWake = null;
      w();
    }
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

function entryKey(source: string, generation: string): string {
  return `${source}\u0000${generation}`;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}

async function closeQuietly(t: Tracked): Promise<void> {
  const fh = t.fh;
  t.fh = null;
  if (fh) await fh.close().catch(() => {});
}

function toEntry(t: Tracked, anchor: string, now: number): CheckpointEntry {
  return {
    source: t.stamp.source,
    generation: t.stamp.generation,
    fingerprint: t.fingerprint,
    path: t.path,
    dev: t.dev,
    ino: t.ino,
    offset: t.ackedOffset,
    skip: t.ackedSkip,
    anchor,
    updated: now,
  };
}

/** True when the file holds exactly `bytes` just before `offset`. */
async function equalsAt(fh: FileHandle, offset: number, bytes: Buffer): Promise<boolean> {
  if (bytes.length === 0) return true;
  if (offset < bytes.length) return false;
  const buf = Buffer.alloc(bytes.length);
  const { bytesRead } = await fh.read(buf, 0, bytes.length, offset - bytes.length);
  return bytesRead === bytes.length && buf.equals(bytes);
}

/** The bytes just before `offset` (up to ANCHOR_BYTES), or null when the file is shorter. */
async function readTail(fh: FileHandle, offset: number): Promise<Buffer | null> {
  const len = Math.min(ANCHOR_BYTES, offset);
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, offset - len);
  return bytesRead === len ? buf : null;
}

/** True when two files hold the same bytes just before `upTo` (both sizes permitting). */
async function samePrefix(a: FileHandle, aSize: number, b: FileHandle, upTo: number): Promise<boolean> {
  const end = Math.min(aSize, upTo);
  const len = Math.min(ANCHOR_BYTES, end);
  if (len === 0) return true;
  const x = Buffer.alloc(len);
  const y = Buffer.alloc(len);
  const [rx, ry] = await Promise.all([a.read(x, 0, len, end - len), b.read(y, 0, len, end - len)]);
  return rx.bytesRead === len && ry.bytesRead === len && x.equals(y);
}

/** The offset just past the last newline before `size`: where "start at the end" begins. */
async function lastLineEnd(fh: FileHandle, size: number, buf: Buffer): Promise<number> {
  let end = size;
  while (end > 0) {
    const len = Math.min(buf.length, end);
    const { bytesRead } = await fh.read(buf, 0, len, end - len);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
    if (nl !== -1) return end - len + nl + 1;
    end -= len;
  }
  return 0;
}
