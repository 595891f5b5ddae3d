/**
 * The peers suite's table: ratios first (the median of the runs' ratios, with their spread and the
 * absolute figures behind them in the note), then the medians of the absolute figures.
 */
import type { BenchRow } from '../types.js';
import { median, meets, ratiosPerRun, spread } from './figures.js';
import type { Peers } from './locate.js';
import { QUERIES } from './logpipe-side.js';
import { LNAV_QUESTIONS, type LnavQuestion } from './peer-output.js';
import type { LnavResult, RsyslogResult } from './run-peers.js';

const MiB = 1024 * 1024;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** Every figure one run gives (NaN where a step failed or was skipped). */
export interface Run {
  rsyslog?: RsyslogResult;
  runRate: number;
  runPeakBytes: number;
  runNote: string;
  importRate: number;
  lnav?: LnavResult;
  queryMs: Map<LnavQuestion, number>;
  /** The same questions while a pipeline holds the store (asked over HTTP). */
  servedQueryMs: Map<LnavQuestion, number>;
  answersAgree?: string;
  realImportRate: number;
  realRunRate: number;
  realRunNote: string;
}

export interface Measured {
  peers: Peers | undefined;
  lines: number;
  real: { lines: number; bytes: number; files: string[] };
  /** The days the real-shaped corpus spans. */
  realDays: number;
  realEvents: number;
  runs: Run[];
  storeBytes: number;
  zstdBytes: number;
  failures: string[];
}

/** The two ways a fresh `logpipe query` is asked: opening the store, or of a running pipeline. */
const QUERY_WAYS = [
  ['', (r: Run) => r.queryMs],
  [' (pipeline running)', (r: Run) => r.servedQueryMs],
] as const;

const goalText = (text: string, ratio: number, goal: { atLeast?: number; atMost?: number }) => {
  const met = meets(ratio, goal);
  return met === undefined ? text : `${text} (${met ? 'met' : 'not met'})`;
};

/** The rows of the table, ratio rows first; a figure a failed or skipped step left out is NaN. */
export function rows(m: Measured): BenchRow[] {
  const { runs } = m;
  const col = (f: (r: Run) => number) => runs.map(f);
  const rsRate = col((r) => (r.rsyslog ? r.rsyslog.lines / r.rsyslog.seconds : Number.NaN));
  const rsPeak = col((r) => r.rsyslog?.peakBytes ?? Number.NaN);
  const runRate = col((r) => r.runRate);
  const runPeak = col((r) => r.runPeakBytes);
  const importRate = col((r) => r.importRate);
  const corpus = `${int(m.lines)} Apache lines`;
  const lnavMs = (q: LnavQuestion) =>
    col((r) => (r.lnav ? (r.lnav.seconds.get(q) ?? Number.NaN) * 1000 : Number.NaN));
  const ratioRows: BenchRow[] = [];
  const absolute: BenchRow[] = [];
  const ratioRow = (
    name: string,
    ratios: number[],
    goal: { atLeast?: number; atMost?: number },
    note: string,
  ) => {
    const value = median(ratios);
    const g = goal.atLeast !== undefined ? `>= ${goal.atLeast}` : `<= ${goal.atMost}`;
    ratioRows.push({
      name,
      value,
      unit: '×',
      goal: goalText(g, value, goal),
      note: `${note}; ${spread(ratios)}`,
    });
  };

  if (m.peers) {
    ratioRow(
      'peers: logpipe run ÷ rsyslog, lines/s',
      ratiosPerRun(runRate, rsRate, 'higher'),
      { atLeast: 2.5 },
      `logpipe ${int(median(runRate))}, rsyslog ${int(median(rsRate))} lines/s; ${corpus}, process start → all queryable / all written`,
    );
    ratioRow(
      'peers: logpipe store --import ÷ rsyslog, lines/s',
      ratiosPerRun(importRate, rsRate, 'higher'),
      { atLeast: 2 },
      `logpipe ${int(median(importRate))}, rsyslog ${int(median(rsRate))} lines/s`,
    );
    // Memory: how many times rsyslog's peak logpipe's is (lower is better); the goal is absolute.
    const memRatios = ratiosPerRun(runPeak, rsPeak, 'higher');
    const memValue = median(memRatios);
    const runPeakMiB = median(runPeak) / MiB;
    ratioRows.push({
      name: 'peers: logpipe run peak memory ÷ rsyslog',
      value: memValue,
      unit: '×',
      goal: goalText('logpipe <= 200 MiB', runPeakMiB, { atMost: 200 }),
      note: `logpipe ${runPeakMiB.toFixed(0)} MiB, rsyslog ${(median(rsPeak) / MiB).toFixed(0)} MiB (VmHWM); ${spread(memRatios)}`,
    });
    const agree =
      [...new Set(runs.map((r) => r.answersAgree).filter(Boolean))].join(' / ') || 'answers not compared';
    for (const [label, asked] of QUERY_WAYS) {
      for (const q of LNAV_QUESTIONS) {
        const ours = col((r) => asked(r).get(q) ?? Number.NaN);
        const theirs = lnavMs(q);
        ratioRow(
          `peers: lnav ÷ fresh logpipe query${label}, ${q}`,
          ratiosPerRun(ours, theirs, 'lower'),
          { atLeast: 5 },
          `\`logpipe query '${QUERIES[q]}'\` ${median(ours).toFixed(0)} ms, lnav ${median(theirs).toFixed(0)} ms; ${agree}`,
        );
      }
    }
  }
  const realImport = col((r) => r.realImportRate);
  const realRun = col((r) => r.realRunRate);
  const realCorpus = `${int(m.real.lines)} lines of ${m.real.files.length} systems over ${m.realDays} day${m.realDays === 1 ? '' : 's'}`;
  ratioRow(
    'real-shaped ÷ synthetic: store --import lines/s',
    ratiosPerRun(realImport, importRate, 'higher'),
    { atLeast: 0.67 },
    `${int(median(realImport))} against ${int(median(importRate))} lines/s; goal: within 1.5×`,
  );
  ratioRow(
    'real-shaped ÷ synthetic: run lines/s',
    ratiosPerRun(realRun, runRate, 'higher'),
    { atLeast: 0.67 },
    `${int(median(realRun))} against ${int(median(runRate))} lines/s; ${runs.find((r) => r.realRunNote)?.realRunNote ?? ''}`,
  );
  const bytesRatio = m.storeBytes / m.zstdBytes;
  ratioRows.push({
    name: 'real-shaped: store bytes on disk ÷ zstd -19 of the text',
    value: bytesRatio,
    unit: '×',
    goal: goalText('<= 1', bytesRatio, { atMost: 1 }),
    note: `${(m.storeBytes / 1e6).toFixed(2)} MB (the whole data dir) against ${(m.zstdBytes / 1e6).toFixed(2)} MB; text ${(m.real.bytes / 1e6).toFixed(1)} MB, ${int(m.realEvents)} events`,
  });

  // Absolute figures, medians of the runs.
  const abs = (name: string, values: number[], unit: string, note: string, goal?: string) =>
    absolute.push({ name, value: median(values), unit, goal, note: `${note}; ${spread(values, 0)}` });
  if (m.peers) abs('rsyslog imfile → mmnormalize → JSON', rsRate, 'lines/s', `${corpus}, rsyslog/run.sh`);
  abs('logpipe run (process start → all queryable)', runRate, 'lines/s', `${corpus}; ${runs[0].runNote}`);
  abs('logpipe store --import', importRate, 'lines/s', corpus);
  abs(
    'logpipe run peak memory',
    runPeak.map((b) => b / MiB),
    'MiB',
    'VmHWM',
    '<= 200',
  );
  if (m.peers) {
    abs(
      'rsyslog peak memory',
      rsPeak.map((b) => b / MiB),
      'MiB',
      'VmHWM of rsyslogd',
    );
    for (const q of LNAV_QUESTIONS) {
      for (const [label, asked] of QUERY_WAYS) {
        abs(
          `fresh logpipe query${label}, ${q}`,
          col((r) => asked(r).get(q) ?? Number.NaN),
          'ms',
          `\`${QUERIES[q]}\`, spawn to exit${label ? ', asked over HTTP of a running `logpipe run`' : ''}`,
        );
      }
      abs(`lnav, ${q}`, lnavMs(q), 'ms', 'lnav.sh: a fresh lnav loads the file');
    }
  }
  abs('real-shaped store --import', realImport, 'lines/s', realCorpus);
  abs('real-shaped run (process start → all queryable)', realRun, 'lines/s', realCorpus);
  if (m.failures.length > 0) {
    absolute.push({
      name: 'peers: failed steps',
      value: m.failures.length,
      unit: '',
      note: m.failures.slice(0, 3).join(' | '),
    });
  }
  return [...ratioRows, ...absolute];
}
