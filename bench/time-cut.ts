/**
 * What cutting the time text out of lines costs the encoder (rows/time-span.ts), on the
 * real-shaped corpus (bench/peers/real-corpus.ts: 30 systems): the events are parsed once, then
 * encoded with `addEvents` over and over, and the finder with the cut alone is timed over the same
 * events; ns a row, medians of 5 runs. Run: `node dist/bench/time-cut.js [lines per system]`.
 */
import type { LogEvent, RawEvent } from '../src/core/events.js';
import { createParser } from '../src/parser/index.js';
import { addEvents, eventRows } from '../src/storage/rows/event-columns.js';
import { TimeFinder } from '../src/storage/rows/time-span.js';
import { systems } from './peers/real-corpus.js';

const PER_SYSTEM = Number(process.argv[2] ?? 10_000);
const DAY_MS = 86_400_000;
const BATCH = 1000;

function events(): LogEvent[][] {
  const toMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const out: LogEvent[][] = [];
  for (const [i, system] of systems().entries()) {
    const parse = createParser();
    const lines = [...system.lines(PER_SYSTEM, { seed: 11 + i, fromMs: toMs - 181 * DAY_MS, toMs })];
    for (let k = 0; k < lines.length; k += BATCH) {
      const raws: RawEvent[] = lines.slice(k, k + BATCH).map((line, j) => ({
        source: `/logs/${system.name}.log`,
        generation: 'g',
        offset: k + j,
        line,
        received_at: toMs,
      }));
      out.push(parse(raws));
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const batches = events();
const n = batches.reduce((k, b) => k + b.length, 0);

function encodeNs(): number {
  const t = process.hrtime.bigint();
  for (let k = 0; k < batches.length; k += 20) {
    const rows = eventRows(BATCH * 20);
    for (const b of batches.slice(k, k + 20)) addEvents(rows, b);
  }
  return Number(process.hrtime.bigint() - t) / n;
}

let found = 0;
function cutNs(): number {
  const f = new TimeFinder();
  let sink = 0;
  found = 0;
  const t = process.hrtime.bigint();
  for (const b of batches) {
    for (const e of b) {
      if (e.fields.ts_source !== undefined || !f.find(e.raw, Math.trunc(e.ts), e.source)) continue;
      const c = f.cut;
      sink += `${e.raw.slice(0, c.at)}0${e.raw.slice(c.at + c.length)}`.length;
      found++;
    }
  }
  const ns = Number(process.hrtime.bigint() - t) / n;
  if (sink < 0) console.log(sink);
  return ns;
}

const enc: number[] = [];
const cut: number[] = [];
for (let r = 0; r < 6; r++) {
  const e = encodeNs();
  const c = cutNs();
  if (r > 0) {
    enc.push(e);
    cut.push(c);
  }
}
console.log(
  `${n} events of ${systems().length} systems: addEvents ${median(enc).toFixed(0)} ns a row (the time cut in it), ` +
    `finding and cutting the time alone ${median(cut).toFixed(0)} ns a row; ${found} of ${n} rows cut`,
);
