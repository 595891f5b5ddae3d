/**
 * Bulk import: whole files (raw logs, gzip-compressed or not, or NDJSON events) parsed and
 * appended to the store. Each file is its own source, identified by its path and a hash of its
 * first line of text, so importing the same file again stores nothing twice, and importing it
 * after it grew stores only what is new. Binary files are skipped and named; continuation lines
 * (stack traces) join the event before them, with the collector's multi-line rules.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { compileMultiline, flushJoiner, joinLine, newJoiner } from '../collector/index.js';
import { DEFAULT_MAX_LINE_BYTES } from '../core/defaults.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { noAck, type RawEvent } from '../core/events.js';
import type { LineBlock } from '../core/line-block.js';
import { type ParserConfig, parserWorkers } from '../core/parse-config.js';
import { createParser, type ParserOptions } from '../parser/index.js';
import type { EncodedRows } from '../storage/rows/index.js';
import { createEncodePool, type EncodePool } from './encode-pool.js';
import { readBlocks } from './import-blocks.js';
import { openImportSource } from './import-source.js';
import { readBatches } from './read-events.js';
import type { StoreWriter } from './store-writer.js';

export { generationOf } from './import-source.js';

export interface ImportProgress {
  file: string;
  files: number;
  filesDone: number;
  /** Bytes read from disk, over all files. */
  bytes: number;
  totalBytes: number;
  /** Events queued for the store (joined multi-line events count once). */
  events: number;
  /** Lines read. */
  lines: number;
}

/** What importing one file did. */
export interface FileImport {
  path: string;
  /** Bytes on disk. */
  size: number;
  compressed: boolean;
  /** The source and generation its events carry. */
  source: string;
  generation: string;
  /** Why the file was not imported (binary), or null. */
  skipped: string | null;
  /** Why its compressed data ended early (its whole lines before that were imported), or null. */
  damaged: string | null;
  /** Bytes of text read (decompressed). */
  textBytes: number;
  lines: number;
  /** Events made of the lines (after joining continuation lines). */
  events: number;
}

/** Continuation lines of multi-line events, joined before they are stored. */
export interface ImportMultiline {
  rule: Parameters<typeof newJoiner>[0];
  maxLines: number;
  /** The rule is a built-in one (auto, java, python), which never continues on some first bytes. */
  builtIn?: boolean;
}

export interface ImportOptions {
  writer: StoreWriter;
  format?: string;
  service?: string;
  parser?: ParserOptions;
  /** Join continuation lines with this rule (compileMultiline); null or absent: one event a line. */
  multiline?: ImportMultiline | null;
  /** Lines longer than this are cut and flagged (and bound a joined event). Default 1 MiB. */
  maxLineBytes?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Told of each file once it is read (or skipped). */
  onFile?: (f: FileImport) => void;
  /**
   * Parse and encode plain lines on this pool's worker (made with `parser`'s options) while
   * this thread reads and appends; without it they are parsed here. One worker: it keeps each
   * file's format and previous time from batch to batch, as the inline parser does.
   */
  pool?: EncodePool | null;
}

/**
 * The joining `--multiline <mode>` asks for: `auto` (Java and Python traces, the default), `java`,
 * `python`, `off`, or else a regular expression the first line of each event matches.
 */
export function multilineFor(mode: string): ImportMultiline | null {
  if (mode === 'off') return null;
  const builtIn = mode === 'auto' || mode === 'java' || mode === 'python';
  try {
    const { rule, maxLines } = compileMultiline(builtIn ? { mode } : { mode: 'pattern', start: mode });
    return { rule, maxLines, builtIn };
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new UsageError(`--multiline ${JSON.stringify(mode)}: ${err.message.replace(/^.*?: /, '')}`);
    }
    throw err;
  }
}

/**
 * The young generation of an import's worker (MB). `logpipe run` keeps its worker's at 12 MB for
 * its memory goal (encode-pool.ts); an import's peak is the seal's (600-700 MB for 1M lines)
 * and its worker the bottleneck, whose garbage (objects of parsed JSON, fields) a small young
 * generation collects often: `store --import` of the real-shaped corpus took 6.01 s and 9.44 s
 * of CPU at 12 MB against 5.79 s and 8.90 s at 48 (5 alternated pairs, medians, 2026-12-08;
 * the synthetic corpus 3.37 against 3.35 s; 96 MB no faster than 48).
 */
const IMPORT_YOUNG_GENERATION_MB = 48;

/**
 * The worker an import parses on (`ImportOptions.pool`): one, where `parse.workers` gives any
 * (`auto`: on two cores or more), else null (parse inline). Its options are the import's parser
 * options. The caller closes it.
 */
export function importPool(workers: ParserConfig['workers'], parser: ParserOptions): EncodePool | null {
  return parserWorkers(workers, availableParallelism()) > 0
    ? createEncodePool({ ...parser, threads: 1, youngGenerationMb: IMPORT_YOUNG_GENERATION_MB })
    : null;
}

/** A file to import: its absolute path, size and last modification (ms). */
export interface ImportTarget {
  path: string;
  size: number;
  modifiedMs: number;
}

/** The files named, checked: each must be a regular file. Throws UsageError naming one that is not. */
export function importTargets(paths: string[]): ImportTarget[] {
  const seen = new Set<string>();
  const out: ImportTarget[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (seen.has(abs)) continue; // named twice (a glob and a name): imported once
    seen.add(abs);
    out.push({ path: abs, ...statFile(p, abs) });
  }
  return out;
}

function statFile(p: string, abs: string): { size: number; modifiedMs: number } {
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new UsageError(`cannot import ${p}: not a regular file`);
    return { size: st.size, modifiedMs: st.mtimeMs };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `cannot import ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
}

/** Imports files one after another; resolves with what each did once all are queued. */
export async function importFiles(
  paths: string[],
  opts: ImportOptions,
): Promise<{ progress: ImportProgress; files: FileImport[] }> {
  const targets = importTargets(paths);
  const progress: ImportProgress = {
    file: '',
    files: targets.length,
    filesDone: 0,
    bytes: 0,
    totalBytes: targets.reduce((n, f) => n + f.size, 0),
    events: 0,
    lines: 0,
  };
  const done: FileImport[] = [];
  for (const f of targets) {
    progress.file = f.path;
    const r = await importOne(f, opts, progress);
    done.push(r);
    opts.onFile?.(r);
    progress.filesDone++;
    opts.onProgress?.(progress);
  }
  return { progress, files: done };
}

async function importOne(
  { path, size, modifiedMs }: ImportTarget,
  opts: ImportOptions,
  progress: ImportProgress,
): Promise<FileImport> {
  const src = await openImportSource(path);
  const base = progress.bytes;
  const r: FileImport = {
    path,
    size,
    compressed: src.compressed,
    source: path,
    generation: src.generation,
    skipped: src.binary,
    damaged: null,
    textBytes: 0,
    lines: 0,
    events: 0,
  };
  if (src.binary !== null) {
    src.close();
    progress.bytes = base + size;
    return r;
  }
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const joiner = opts.multiline
    ? newJoiner(opts.multiline.rule, opts.multiline.maxLines, maxLineBytes)
    : null;
  let parse: Parameters<StoreWriter['writeRaw']>[1] | null = null;
  const encoded = opts.pool ? encodedWrites(opts.pool, opts.writer) : null;
  const hints = {
    ...(opts.format !== undefined ? { format: opts.format } : {}),
    ...(opts.service !== undefined ? { service: opts.service } : {}),
  };
  const write = async (raws: RawEvent[]) => {
    if (raws.length === 0) return;
    if (encoded !== null) await encoded.add(raws, hints);
    else await opts.writer.writeRaw(raws, parse!, noAck);
    r.events += raws.length;
    progress.events += raws.length;
  };
  try {
    if (encoded !== null && !src.ndjson) {
      // Plain lines for the pool's worker, as the bytes they were read from. The format is
      // checked here, as reading lines checks it.
      createParser({ ...opts.parser, format: opts.format ?? 'auto', service: opts.service ?? null });
      const stamp = { source: path, generation: src.generation, received_at: modifiedMs };
      const joining = joiner === null ? null : { joiner, byFirstByte: opts.multiline?.builtIn === true };
      const sink = {
        block: async (b: LineBlock) => {
          const n = b.count;
          await encoded.add(b, hints);
          r.events += n;
          progress.events += n;
        },
        events: write,
      };
      await readBlocks(src.text, stamp, maxLineBytes, joining, sink, (n) => {
        r.lines += n;
        progress.lines += n;
        progress.bytes = base + src.diskBytes();
        opts.onProgress?.(progress);
      });
    } else
      for await (const batch of readBatches(src.text, {
        input: 'auto',
        format: opts.format,
        service: opts.service,
        parser: opts.parser,
        source: path,
        generation: src.generation,
        maxLineBytes,
        // No line of a finished file was written after its last change: a year-less time is
        // placed so that it does not land after it.
        readTimeMs: modifiedMs,
      })) {
        if ('events' in batch) {
          await opts.writer.write(batch.events, noAck);
          r.lines += batch.events.length;
          r.events += batch.events.length;
          progress.lines += batch.events.length;
          progress.events += batch.events.length;
        } else {
          parse = batch.parse;
          r.lines += batch.raws.length;
          progress.lines += batch.raws.length;
          if (joiner === null) {
            await write(batch.raws);
          } else {
            const joined: RawEvent[] = [];
            for (const ev of batch.raws) joinLine(joiner, ev, joined, 0);
            await write(joined);
          }
        }
        progress.bytes = base + src.diskBytes();
        opts.onProgress?.(progress);
      }
    if (joiner !== null) {
      const last: RawEvent[] = [];
      flushJoiner(joiner, last);
      await write(last);
    }
    await encoded?.drain();
  } finally {
    encoded?.abandon();
    src.close();
  }
  r.damaged = src.damage();
  r.textBytes = src.textBytes();
  progress.bytes = base + size;
  return r;
}

/**
 * Batches sent to an encode pool, written to the store in order as their rows come back, with
 * up to POOL_DEPTH in flight: the worker parses the next batches while this thread reads and
 * appends. (1M access lines, 2026-12-07: the import's thread had spent 3 s of its 10 s CPU
 * parsing and encoding; see docs/benchmarks.md for the rates.)
 */
function encodedWrites(pool: EncodePool, writer: StoreWriter) {
  const queue: Promise<EncodedRows>[] = [];
  const writeOldest = async () => {
    const rows = await (queue.shift() as Promise<EncodedRows>);
    await writer.write(rows, noAck);
    // Copied into the store's batch: the memory can take another batch's rows.
    pool.release(rows);
  };
  return {
    async add(batch: RawEvent[] | LineBlock, hints: { format?: string; service?: string }): Promise<void> {
      queue.push(pool.encode(batch, hints));
      while (queue.length > POOL_DEPTH) await writeOldest();
    },
    async drain(): Promise<void> {
      while (queue.length > 0) await writeOldest();
    },
    /** After a failure: batches still in flight are dropped (their errors with them). */
    abandon(): void {
      for (const q of queue.splice(0)) q.catch(() => {});
    },
  };
}

/** Batches a worker holds at once: enough to keep it busy while this thread appends a segment. */
const POOL_DEPTH = 4;
