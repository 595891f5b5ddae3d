/**
 * One tailed file: the source and generation it is read as, where reading stands in it, the
 * bytes that prove its content unchanged, and its acknowledgements. The state every part of the
 * file collector (reading, identity, checkpointing) shares.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { LineStamp } from '../core/line-block.js';
import type { CheckpointEntry } from './checkpoint.js';
import type { GzReading } from './gz-file.js';
import { newScanState, type ScanState } from './line-scanner.js';
import { type Joiner, newJoiner } from './multiline.js';
import type { ResolvedOptions } from './options.js';
import { newOrderedAcks, type OrderedAcks } from './ordered-acks.js';

/** One file (one source and generation) and where reading and acknowledgement stand in it. */
export interface Tracked {
  key: string;
  dev: number;
  ino: number;
  path: string;
  /** Null once released, or while closed to keep open files within max_open_files (open-files.ts). */
  fh: FileHandle | null;
  /**
   * The checkpoint anchor (base64 of the bytes before `at`) read when the file was closed to make
   * room: with its handle closed, the checkpoint cannot read it then.
   */
  closedAnchor: { at: number; text: string } | null;
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
  acks: OrderedAcks;
  released: boolean;
  /** A .gz file's decompressed text being read (gz-file.ts); null for a plain file. */
  gz: GzReading | null;
}

/** Where a newly tracked file's reading starts, and as what. */
export interface TrackStart {
  source: string;
  generation: string;
  start: number;
  /** Start inside an over-long line: skip to its newline first. */
  skip: boolean;
  /** The bytes just before `start`, when known. */
  tail: Buffer | null;
}

/** The state of a file opened as `fh` (key `dev:ino`), read from `at`. */
export function newTracked(
  opts: ResolvedOptions,
  key: string,
  path: string,
  fh: FileHandle,
  s: Stats,
  fingerprint: string,
  at: TrackStart,
): Tracked {
  const { start, skip, tail } = at;
  const t: Tracked = {
    key,
    dev: s.dev,
    ino: s.ino,
    path,
    fh,
    closedAnchor: null,
    fingerprint,
    stamp: {
      source: at.source,
      generation: at.generation,
      received_at: 0,
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.service !== undefined ? { service: opts.service } : {}),
      ...(opts.format !== undefined ? { format: opts.format } : {}),
    },
    scan: newScanState(start, skip),
    joiner: opts.multiline
      ? newJoiner(opts.multiline.rule, opts.multiline.maxLines, opts.maxLineBytes)
      : null,
    readPos: start,
    size: start,
    seenSize: s.size,
    lastChange: Date.now(),
    inGlob: true,
    deleted: false,
    tail: Buffer.alloc(0),
    tailPos: -1,
    acks: newOrderedAcks(start, skip),
    released: false,
    gz: null,
  };
  if (tail) {
    t.tail = tail;
    t.tailPos = start;
  }
  return t;
}

/** Points a released file's state at another file holding the same content, to read on in it. */
export function moveTracked(t: Tracked, fh: FileHandle, path: string, key: string, s: Stats): void {
  t.fh = fh;
  t.closedAnchor = null;
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
}

/** The checkpoint entry of a file's acknowledged position (`anchor`: base64 of the bytes before it). */
export function toEntry(t: Tracked, anchor: string, now: number): CheckpointEntry {
  return {
    source: t.stamp.source,
    generation: t.stamp.generation,
    fingerprint: t.fingerprint,
    path: t.path,
    dev: t.dev,
    ino: t.ino,
    offset: t.acks.offset,
    skip: t.acks.skip,
    anchor,
    updated: now,
  };
}

/** Closes a file's handle, ignoring errors; its state stays. */
export async function closeQuietly(t: Tracked): Promise<void> {
  const fh = t.fh;
  t.fh = null;
  if (fh) await fh.close().catch(() => {});
}
