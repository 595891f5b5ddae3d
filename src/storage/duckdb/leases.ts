/**
 * File leases: a query holds the segment and partition files it reads, and a file that
 * compaction, sealing or retention drops meanwhile stays on disk until its last reader lets go.
 * Files are unlinked off the event loop's thread; until an unlink ends, the file counts as on disk.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/log.js';

export interface FileLeases {
  /** The store's folder (files are relative to it); null in memory, where no file is held. */
  readonly dir: string | null;
  readonly log: Logger | undefined;
  /** Files being read by running queries, and by how many, so nothing pulls them away. */
  readonly inUse: Map<string, number>;
  /** Files dropped while in use: unlinked when their last reader is done. */
  readonly unlinkLater: Set<string>;
  /** Files being unlinked now, and who waits for one to be gone. */
  readonly unlinking: Map<string, Promise<void>>;
  unlinked: (() => void)[];
}

/** No file held yet. */
export function fileLeases(dir: string | null, log: Logger | undefined): FileLeases {
  return { dir, log, inUse: new Map(), unlinkLater: new Set(), unlinking: new Map(), unlinked: [] };
}

/** Keeps a file on disk while a query reads it. */
export function hold(l: FileLeases, file: string): void {
  l.inUse.set(file, (l.inUse.get(file) ?? 0) + 1);
}

/** Ends one `hold`; a file dropped meanwhile goes once no query holds it. */
export function release(l: FileLeases, file: string): void {
  const n = (l.inUse.get(file) ?? 1) - 1;
  if (n > 0) {
    l.inUse.set(file, n);
    return;
  }
  l.inUse.delete(file);
  if (l.unlinkLater.delete(file) && l.dir) unlink(l, file);
}

/** Deletes a file of the store now, or when the last query reading it is done. */
export function dropFile(l: FileLeases, file: string): void {
  if (l.inUse.has(file)) l.unlinkLater.add(file);
  else unlink(l, file);
}

/**
 * Unlinks off the event loop's thread (a freshly written file can take milliseconds to free);
 * the file counts as on disk until it is gone.
 */
function unlink(l: FileLeases, file: string): void {
  const done = rm(join(l.dir!, file), { force: true })
    .catch((err) => l.log?.warn(`removing ${file} failed: ${(err as Error).message}`))
    .finally(() => {
      l.unlinking.delete(file);
      const waiting = l.unlinked;
      l.unlinked = [];
      for (const w of waiting) w();
    });
  l.unlinking.set(file, done);
}

/** Settles once the files being unlinked now are gone (not those still waiting for a query). */
export function unlinksDone(l: FileLeases): Promise<unknown> {
  return Promise.all(l.unlinking.values());
}

/** Resolves when the next unlink ends. */
export function nextUnlink(l: FileLeases): Promise<void> {
  return new Promise<void>((r) => l.unlinked.push(r));
}

/** Files dropped but still on disk: waiting for their last reader, or being unlinked. */
export function droppedOnDisk(l: FileLeases): string[] {
  return [...l.unlinkLater, ...l.unlinking.keys()];
}
