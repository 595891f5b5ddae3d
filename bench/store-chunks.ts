/**
 * The store alone fed column-wise chunks, in a process of its own as `logpipe up`'s store runs:
 * segment rows a parse worker encoded from the lines of FILE (as `logpipe run` and `logpipe up`
 * hand them over), appended in batches. Run by storage.bench.ts as
 * `node store-chunks.js FILE ROUNDS BATCH DIR`; prints its figures as one line of JSON.
 *
 * Encoding is not timed: each round's rows are made before its appends start, and the lines it
 * was made from are dropped first, so the heap holds what a store process holds. Rounds after
 * the first move offsets past the file's end and times past the previous round's.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RawEvent } from '../src/core/events.js';
import { createParser } from '../src/parser/index.js';
import { createEncodePool } from '../src/pipeline/encode-pool.js';
import { openDuckDbStore } from '../src/storage/duckdb/index.js';
import type { EncodedRows } from '../src/storage/rows/index.js';
import { movedStamp } from './store-input.js';

/** What the child reports: events/s over the first round, all rounds, and all until sealed. */
export interface ChunkFigures {
  first: number;
  all: number;
  sealed: number;
  total: number;
}

const SOURCE = '/var/log/access.log';
const HINTS = { format: 'apache_combined', service: 'web' };

/**
 * The file's text and where each line starts and ends in it (no string a line: the heap holds one
 * text while the store runs), each line's byte offset, and the bytes after the last line.
 */
interface Lines {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
  offsets: Float64Array;
  bytes: number;
}

function readLines(file: string): Lines {
  const text = readFileSync(file, 'utf8');
  const starts: number[] = [];
  const ends: number[] = [];
  const offs: number[] = [];
  let offset = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    starts.push(start);
    ends.push(end);
    offs.push(offset);
    offset += Buffer.byteLength(text.slice(start, end)) + 1;
    start = end + 1;
  }
  return {
    text,
    starts: Int32Array.from(starts),
    ends: Int32Array.from(ends),
    offsets: Float64Array.from(offs),
    bytes: offset,
  };
}

/** Lines [from, to) as raw events, moved by `round` rounds of `span` µs (times) and the file's bytes. */
function rawEvents(
  l: Lines,
  from: number,
  to: number,
  round: number,
  ts: Float64Array | null,
  span: number,
): RawEvent[] {
  const out: RawEvent[] = [];
  for (let k = from; k < to; k++) {
    const line = l.text.slice(l.starts[k], l.ends[k]);
    const moved = round === 0 || ts === null ? line : movedStamp(line, ts[k] + round * span);
    out.push(rawEvent(moved, l.offsets[k] + round * l.bytes));
  }
  return out;
}

function rawEvent(line: string, offset: number): RawEvent {
  return { source: SOURCE, generation: 'bench', offset, line, received_at: 0, service: 'web' };
}

/** Each line's event time (epoch µs), as the parser reads it. */
function eventTimes(l: Lines, batch: number): Float64Array {
  const parse = createParser({ format: 'apache_combined' });
  const n = l.starts.length;
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i += batch) {
    const events = parse(rawEvents(l, i, Math.min(i + batch, n), 0, null, 0));
    for (let k = 0; k < events.length; k++) ts[i + k] = events[k].ts;
  }
  return ts;
}

async function main(): Promise<void> {
  const [file, roundsArg, batchArg, dir] = process.argv.slice(2);
  const rounds = Number(roundsArg);
  const batch = Number(batchArg);
  const lines = readLines(file);
  const n = lines.starts.length;
  const ts = eventTimes(lines, batch);
  const span = ts[ts.length - 1] - ts[0] + 1_000_000;
  const own = join(dir, 'encoded-rows');
  mkdirSync(own, { recursive: true });
  // The store's clock is days ahead, so every hour of these events can be sealed at the end.
  const now = Date.UTC(2026, 0, 10);
  const store = await openDuckDbStore({ path: join(own, 'logs.duckdb'), now: () => now, sealAfterMs: 0 });
  const pool = createEncodePool({ threads: 1, format: 'apache_combined' });
  let appendMs = 0;
  let firstMs = 0;
  try {
    for (let r = 0; r < rounds; r++) {
      const chunks: Promise<EncodedRows>[] = [];
      for (let i = 0; i < n; i += batch) {
        chunks.push(pool.encode(rawEvents(lines, i, Math.min(i + batch, n), r, ts, span), HINTS));
      }
      const rows = await Promise.all(chunks);
      const t0 = performance.now();
      for (const chunk of rows) {
        const b = store.batch();
        b.add(chunk);
        await store.append(b);
        pool.release(chunk);
      }
      appendMs += performance.now() - t0;
      if (r === 0) firstMs = appendMs;
    }
    const t1 = performance.now();
    await store.compact();
    await store.maintain();
    const sealMs = performance.now() - t1;
    const total = rounds * n;
    const figures: ChunkFigures = {
      first: n / (firstMs / 1000),
      all: total / (appendMs / 1000),
      sealed: total / ((appendMs + sealMs) / 1000),
      total,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await pool.close();
    await store.close();
    rmSync(own, { recursive: true, force: true });
  }
}

await main();
