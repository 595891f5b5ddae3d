/**
 * The real-shaped corpus beside the synthetic one: one file per system (as a user's log directory
 * holds them), each system's lines with times spread over months, many formats, stack traces,
 * long lines and non-ASCII text. The systems are the 28 of `bench/corpus/real-systems.ts` (its
 * Java and Python ones follow some errors with stack traces) and two more (log4j with request
 * bodies of several KiB on one line, Python tracebacks); the writer only needs each system's name
 * and a deterministic line source.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { SYSTEM_NAMES, writeSystemLines } from '../corpus/real-systems.js';
import { STACK_TRACE_SYSTEMS } from './stack-trace-systems.js';

export interface LineOptions {
  /** Same seed, same lines. */
  seed: number;
  /** Event times spread from `fromMs` to `toMs` (UTC ms), in order. */
  fromMs: number;
  toMs: number;
}

/** One system of the corpus: its name and exactly `n` of its lines (multi-line events count each line). */
export interface CorpusSystem {
  name: string;
  lines(n: number, o: LineOptions): Iterable<string>;
}

/** The systems the corpus mixes. */
export function systems(): CorpusSystem[] {
  const real = SYSTEM_NAMES.map(
    (name): CorpusSystem => ({
      name,
      lines: (n, o) => writeSystemLines(name, n, o).map((l) => l.line),
    }),
  );
  return [...real, ...STACK_TRACE_SYSTEMS];
}

export interface WrittenCorpus {
  /** One file per system, `<dir>/<name>.log`. */
  files: string[];
  lines: number;
  bytes: number;
}

/** Writes `total` lines shared out evenly among `list`'s systems, one file each, under `dir`. */
export async function writeRealShapedCorpus(
  dir: string,
  total: number,
  o: LineOptions,
  list: CorpusSystem[] = systems(),
): Promise<WrittenCorpus> {
  const files: string[] = [];
  let bytes = 0;
  let lines = 0;
  for (const [i, system] of list.entries()) {
    const n = Math.floor(total / list.length) + (i < total % list.length ? 1 : 0);
    if (n === 0) continue;
    const file = join(dir, `${system.name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.log`);
    const out = createWriteStream(file);
    let chunk = '';
    for (const line of system.lines(n, { ...o, seed: o.seed + i })) {
      chunk += `${line}\n`;
      lines++;
      if (chunk.length >= 1 << 16) {
        bytes += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        chunk = '';
      }
    }
    bytes += Buffer.byteLength(chunk);
    out.end(chunk);
    await finished(out);
    files.push(file);
  }
  return { files, lines, bytes };
}
