/**
 * Bulk import: whole files (raw logs or NDJSON events) parsed and appended to the store. Each
 * file is its own source, identified by its path and a hash of its first line, so importing the
 * same file again stores nothing twice, and importing it after it grew stores only what is new.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FINGERPRINT_BYTES, fingerprintOf } from '../collector/index.js';
import { UsageError } from '../core/errors.js';
import { noAck } from '../core/events.js';
import type { ParserOptions } from '../parser/index.js';
import { readBatches } from './read-events.js';
import type { StoreWriter } from './store-writer.js';

export interface ImportProgress {
  file: string;
  files: number;
  filesDone: number;
  bytes: number;
  totalBytes: number;
  events: number;
}

export interface ImportOptions {
  writer: StoreWriter;
  format?: string;
  service?: string;
  parser?: ParserOptions;
  onProgress?: (p: ImportProgress) => void;
}

/**
 * Identity of a file's content: the collector's fingerprint (a hash of the first line), so a file
 * imported and later tailed at the same path is recognised as the same events. A file too short
 * to have one yet (a single unfinished line) is identified by all of its bytes.
 */
export function firstLineGeneration(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(FINGERPRINT_BYTES);
    const head = buf.subarray(0, readSync(fd, buf, 0, FINGERPRINT_BYTES, 0));
    return fingerprintOf(head) ?? createHash('sha256').update(head).digest('hex').slice(0, 16);
  } finally {
    closeSync(fd);
  }
}

/** Imports files one after another; resolves with the events read once all are queued. */
export async function importFiles(paths: string[], opts: ImportOptions): Promise<ImportProgress> {
  const files = paths.map((p) => {
    const abs = resolve(p);
    let size: number;
    try {
      const st = statSync(abs);
      if (!st.isFile()) throw new UsageError(`cannot import ${p}: not a regular file`);
      size = st.size;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(
        `cannot import ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      );
    }
    return { path: abs, size };
  });
  const progress: ImportProgress = {
    file: '',
    files: files.length,
    filesDone: 0,
    bytes: 0,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    events: 0,
  };
  for (const f of files) {
    progress.file = f.path;
    const stream = createReadStream(f.path, { highWaterMark: 1024 * 1024 });
    const before = progress.bytes;
    stream.on('data', (chunk) => {
      progress.bytes += chunk.length;
    });
    for await (const batch of readBatches(stream, {
      input: 'auto',
      format: opts.format,
      service: opts.service,
      parser: opts.parser,
      source: f.path,
      generation: f.size > 0 ? firstLineGeneration(f.path) : 'empty',
    })) {
      if ('events' in batch) await opts.writer.write(batch.events, noAck);
      else await opts.writer.writeRaw(batch.raws, batch.parse, noAck);
      progress.events += 'events' in batch ? batch.events.length : batch.raws.length;
      opts.onProgress?.(progress);
    }
    progress.bytes = before + f.size;
    progress.filesDone++;
    opts.onProgress?.(progress);
  }
  return progress;
}
