/**
 * The parser alone on the real-shaped corpus (bench/peers/real-corpus.ts: 30 systems, times over
 * six months, stack traces, long lines, non-ASCII): lines per CPU second on one thread for each
 * system, detected as `logpipe run` and `store --import` detect them (format `auto`, one source
 * per system), and for all of them together. The synthetic corpus's figure to hold them against
 * is `parse auto (apache lines)`.
 */
import type { RawEvent } from '../src/core/events.js';
import { createParser } from '../src/parser/index.js';
import { systems } from './peers/real-corpus.js';
import type { BenchRow } from './types.js';

/** Distinct lines per system (parsed over and over until PER_SYSTEM lines are done). */
const DISTINCT = 20_000;
const BATCH = 1000;
const DAY_MS = 86_400_000;

/** Lines parsed per system (env BENCH_PARSER_REAL_LINES). */
const PER_SYSTEM = Number(process.env.BENCH_PARSER_REAL_LINES ?? 200_000);

function batchesOf(source: string, lines: Iterable<string>, receivedAt: number): RawEvent[][] {
  const out: RawEvent[][] = [];
  let cur: RawEvent[] = [];
  let offset = 0;
  for (const line of lines) {
    cur.push({ source, generation: 'g', offset, line, received_at: receivedAt });
    offset += Buffer.byteLength(line) + 1;
    if (cur.length === BATCH) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** One row per system and one for all of them, in lines per CPU second. */
export function measureRealShaped(): BenchRow[] {
  const toMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const fromMs = toMs - 181 * DAY_MS;
  const rows: BenchRow[] = [];
  let allLines = 0;
  let allCpu = 0;
  let allBytes = 0;
  for (const [i, system] of systems().entries()) {
    const input = batchesOf(system.name, system.lines(DISTINCT, { seed: 42 + i, fromMs, toMs }), toMs);
    let bytes = 0;
    for (const b of input) for (const e of b) bytes += e.line.length;
    // A parser per system, as a source is detected on its own; one warm-up pass so the figure is
    // the optimised code's (every system before it has run too, as in one import of them all).
    const parse = createParser({ missingTime: 'previous' });
    for (const b of input) parse(b);
    let lines = 0;
    let sink = 0;
    const cpu0 = process.cpuUsage();
    while (lines < PER_SYSTEM) {
      for (const b of input) {
        sink += parse(b).length;
        lines += b.length;
        if (lines >= PER_SYSTEM) break;
      }
    }
    const cpu = process.cpuUsage(cpu0);
    const secs = (cpu.user + cpu.system) / 1e6;
    if (sink !== lines) throw new Error(`parser returned a wrong number of events for ${system.name}`);
    allLines += lines;
    allCpu += secs;
    allBytes += (bytes / DISTINCT) * lines;
    rows.push({
      name: `parse real-shaped ${system.name}`,
      value: lines / secs,
      unit: 'lines/s/core',
      note: `${Math.round(bytes / DISTINCT)} chars a line; auto, one thread`,
    });
  }
  rows.unshift({
    name: 'parse real-shaped, all systems',
    value: allLines / allCpu,
    unit: 'lines/s/core',
    note: `${rows.length} systems × ${PER_SYSTEM.toLocaleString('en-US')} lines, ${Math.round(allBytes / allLines)} chars a line; auto, one thread, per CPU second`,
  });
  return rows;
}
