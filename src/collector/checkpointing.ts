/**
 * When the file collector writes its checkpoint, and what it writes: the acknowledged position
 * of every tracked file, plus the remembered entries of files not open now (so a file that
 * reappears, renamed back or copied, resumes). Writes come at most once per interval while
 * running, one at a time, and never crash the collector. The file format is in checkpoint.ts.
 */
import { type CheckpointEntry, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { readAnchor } from './fingerprint.js';
import type { ResolvedOptions } from './options.js';
import { type Tracked, toEntry } from './tracked-file.js';

/** Entries of files gone this long are forgotten, and at most this many are kept. */
const FORGET_AFTER_MS = 7 * 24 * 3600 * 1000;
const MAX_KNOWN = 10_000;

/** A .gz file's anchor at acknowledged offset `at` (its text's bytes, noted as batches were made). */
function gzAnchor(t: Tracked, at: number): string {
  const g = t.gz!;
  for (const k of g.anchors.keys()) if (k < at) g.anchors.delete(k);
  const a = g.anchors.get(at) ?? (t.tailPos === at ? t.tail : null);
  return a?.toString('base64') ?? '';
}

/** The key of a checkpoint entry: its source and generation. */
export function entryKey(source: string, generation: string): string {
  return `${source}\u0000${generation}`;
}

/** The checkpoint of one file collector: what it knows, and its writes (a timer and a queue). */
export class Checkpoints {
  /** Checkpoint entries of files not open now, by `source\0generation`. */
  readonly known = new Map<string, CheckpointEntry>();
  /** What loading found: `missing` on a first start, `corrupt` when positions were lost. */
  status: 'ok' | 'missing' | 'corrupt' = 'missing';
  loaded = false;
  /** Something to checkpoint changed since the last write began. */
  dirty = false;
  /** Epoch ms of the last successful write; null before the first. */
  lastSaved: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  /**
   * `streams` is every file with state to checkpoint (live ones and released ones awaiting
   * acks); a released file whose batches are all acknowledged leaves it for `known`, and
   * `settled` hears of it.
   */
  constructor(
    private readonly opts: ResolvedOptions,
    private readonly streams: Set<Tracked>,
    private readonly settled: (t: Tracked) => void,
  ) {}

  /** Reads the checkpoint file (a missing or corrupt one is a warning, and an empty start). */
  async load(): Promise<void> {
    const r = await loadCheckpoint(
      this.opts.checkpointPath,
      this.opts.onWarning,
      this.opts.warnIfNoCheckpoint,
    );
    this.status = r.status;
    for (const e of r.entries) this.known.set(entryKey(e.source, e.generation), e);
    this.loaded = true;
  }

  /** Writes within the checkpoint interval when something changed (one timer at a time). */
  schedule(): void {
    if (!this.dirty || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.saveNow();
    }, this.opts.checkpointIntervalMs);
    this.timer.unref();
  }

  /** Drops a scheduled write (at close, before the last one). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Writes the checkpoint now (one write at a time); failures are warnings, never crashes. */
  saveNow(): Promise<void> {
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
      const at = t.acks.offset;
      if (at === 0) anchor = '';
      else if (t.gz !== null) anchor = gzAnchor(t, at);
      else if (t.tailPos === at) anchor = t.tail.toString('base64');
      else if (t.closedAnchor?.at === at) anchor = t.closedAnchor.text;
      else if (t.fh) anchor = (await readAnchor(t.fh, at).catch(() => null)) ?? '';
      const e = toEntry(t, anchor, now);
      if (t.released && t.acks.pending.length === 0) {
        // Settled: keep it as a plain entry so a reappearing file (renamed back, copied) resumes.
        this.streams.delete(t);
        this.settled(t);
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
}
