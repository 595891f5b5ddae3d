/**
 * End-to-end pipeline benchmarks, driving the built CLI as a user would (issue #8, point 7):
 *
 * - Throughput: `logpipe run` (and `logpipe up`, one process per component) tails a 1M-line
 *   apache_combined file from the beginning; timed until `SELECT count(*) FROM logs` through the
 *   query API reports every line. "First read" is approximated by the moment the pipeline
 *   announces its API in `<data_dir>/server.json`: the sources start reading right after that.
 *   Also: peak resident memory (VmHWM) of each process.
 * - Latency: the benchmark appends JSON lines to a watched file at 1,000 and 10,000 lines/s, each
 *   stamped with its write time in `ts`; the store's `ingested_at` (stamped once per append
 *   transaction as it starts, so the append itself is not counted) minus `ts` gives the time
 *   from a line written to it being queryable, in SQL over the stored rows. A count polled every
 *   50 ms through the API gives the figure as a client sees it (append included, plus up to one
 *   poll interval), as a cross-check.
 *
 * Knobs: BENCH_PIPELINE_LINES (1,000,000), BENCH_PIPELINE_SECONDS (10 per latency rate).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BenchTimeout,
  type CliChild,
  count,
  quantile,
  runToEnd,
  sleep,
  sql,
  startCli,
  waitForUrl,
} from './pipeline-helpers.js';
import {
  errText,
  int,
  type Mode,
  measureThroughput,
  secs,
  type ThroughputResult,
  writeConfig,
} from './run-throughput.js';
import type { BenchRow } from './types.js';

const LINES = Number(process.env.BENCH_PIPELINE_LINES ?? 1_000_000);
const LATENCY_SECONDS = Number(process.env.BENCH_PIPELINE_SECONDS ?? 10);
/** Every scenario gives up after this long and reports a failure row instead. */
const SCENARIO_TIMEOUT_MS = 5 * 60_000;
/** How often the latency scenario asks for the count (the client-side cross-check). */
const LATENCY_POLL_MS = 50;
/** The writer's pacing tick: lines due by a deadline go out together, one write per tick. */
const WRITE_TICK_MS = 10;
/** The defaults a user gets (src/core/config.ts), which the notes quote. */
const DEFAULT_POLL = '250ms';
const DEFAULT_FLUSH = '500ms';
const DEFAULT_BATCH = 10_000;

const MiB = 1024 * 1024;
const linesLabel = (n: number) => (n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n.toLocaleString('en-US'));
// ---------------------------------------------------------------------------------------------
// Throughput

/**
 * `logpipe <mode>` over `input` (LINES apache_combined lines) with the default settings: lines/s
 * from readiness, from process start and from the first visible event until all are queryable,
 * and peak resident memory per process.
 */
async function throughput(mode: Mode, input: string, root: string): Promise<BenchRow[]> {
  const scenario = `pipeline ${mode} ${linesLabel(LINES)} apache_combined`;
  const headline = `${scenario} (first read → queryable)`;
  const failed = (note: string): BenchRow[] => [
    { name: headline, value: Number.NaN, unit: 'lines/s', goal: '>= 500,000', note },
  ];
  let r: ThroughputResult;
  try {
    r = await measureThroughput({ mode, input, expected: LINES, root, timeoutMs: SCENARIO_TIMEOUT_MS });
  } catch (err) {
    if (mode === 'up' && /not available/i.test(errText(err))) return failed('logpipe up not available');
    return failed(`failed: ${errText(err)}`);
  }
  const settings = `defaults: poll_interval ${DEFAULT_POLL}, batch_size ${int(DEFAULT_BATCH)}, flush_interval ${DEFAULT_FLUSH}`;
  const extra = `${r.events > LINES ? `; ${int(r.events - LINES)} extra rows!` : ''}${r.unknown > 0 ? `; ${int(r.unknown)} unparsed` : ''}`;
  const rows: BenchRow[] = [
    {
      name: headline,
      value: LINES / (r.fromReadyMs / 1000),
      unit: 'lines/s',
      goal: '>= 500,000',
      note: `${secs(r.fromReadyMs)} from server.json appearing (≈ first read) to count = ${int(LINES)}; ${settings}${extra}`,
    },
    {
      name: `${scenario} (process start → queryable)`,
      value: LINES / (r.fromStartMs / 1000),
      unit: 'lines/s',
      note: `${secs(r.fromStartMs)}, of which ${secs(r.startupMs)} start-up; ${r.stopped}`,
    },
    {
      name: `${scenario} (first event visible → all queryable)`,
      value: (LINES - r.first.n) / (r.fromFirstMs / 1000),
      unit: 'lines/s',
      note: `${int(LINES - r.first.n)} lines in ${secs(r.fromFirstMs)}; first ${int(r.first.n)} visible ${secs(r.first.afterReadyMs)} after ready`,
    },
  ];
  for (const [label, p] of [...r.peaks].sort((a, b) => b[1].bytes - a[1].bytes)) {
    rows.push({
      name:
        mode === 'run' && label === 'run' ? 'pipeline run peak RSS' : `pipeline ${mode} peak RSS (${label})`,
      value: p.bytes / MiB,
      unit: 'MiB',
      note: `VmHWM${p.processes > 1 ? `, largest of ${p.processes} processes` : ''}`,
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Latency

interface Phase {
  service: string;
  rate: number;
  /** Wall-clock ms at which line `seq` was written (its `ts`, in ms). */
  writes: Float64Array;
  /** The count of this phase's rows as the API answered it, and when the answer arrived. */
  polls: { t: number; n: number }[];
}

/** Appends `rate` lines/s for `seconds` to `fh`, paced by deadline in ticks of WRITE_TICK_MS. */
async function writeAtRate(
  fh: FileHandle,
  service: string,
  rate: number,
  seconds: number,
): Promise<Float64Array> {
  const total = Math.round(rate * seconds);
  const writes = new Float64Array(total);
  const t0 = performance.now();
  let seq = 0;
  for (let tick = 1; seq < total; tick++) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
    if (due > seq) {
      const now = Date.now();
      let text = '';
      for (; seq < due; seq++) {
        writes[seq] = now;
        text += `{"ts":${now * 1000},"level":"info","service":"${service}","msg":"latency probe","seq":${seq}}\n`;
      }
      await fh.write(text);
    }
    await sleep(Math.max(0, t0 + tick * WRITE_TICK_MS - performance.now()));
  }
  return writes;
}

/** One rate: write, and meanwhile poll the count until every line of it is queryable. */
async function phase(
  fh: FileHandle,
  url: string,
  service: string,
  rate: number,
  seconds: number,
  deadline: number,
): Promise<Phase> {
  const total = Math.round(rate * seconds);
  const polls: { t: number; n: number }[] = [];
  const writing = writeAtRate(fh, service, rate, seconds);
  const t0 = performance.now();
  try {
    for (let tick = 1; ; tick++) {
      let n = -1;
      try {
        n = await count(url, `service = '${service}'`);
        polls.push({ t: Date.now(), n });
      } catch {
        // a busy moment; the deadline bounds the retries
      }
      if (n >= total) break;
      if (performance.now() > deadline) {
        const seen = polls.at(-1)?.n ?? 0;
        throw new BenchTimeout(
          `${int(seen)} of ${int(total)} lines at ${int(rate)}/s queryable at the deadline`,
        );
      }
      await sleep(Math.max(0, t0 + tick * LATENCY_POLL_MS - performance.now()));
    }
  } catch (err) {
    await writing.catch(() => {}); // the file is closed next; let the writer finish first
    throw err;
  }
  return { service, rate, writes: await writing, polls };
}

/** Per line, when the polled count first covered it, minus when it was written; sorted, in ms. */
function observedLatencies(p: Phase): Float64Array {
  const out = new Float64Array(p.writes.length);
  let j = 0;
  for (let seq = 0; seq < p.writes.length; seq++) {
    while (j < p.polls.length - 1 && p.polls[j].n <= seq) j++;
    out[seq] = p.polls[j].t - p.writes[seq];
  }
  return out.sort();
}

/**
 * `logpipe run` tailing one file the benchmark appends to: a short warm-up (format detection,
 * first appends), then LATENCY_SECONDS at 1,000 and at 10,000 lines/s. `poll`/`flush` unset
 * means the defaults.
 */
async function latency(root: string, poll?: string, flush?: string): Promise<BenchRow[]> {
  const tuned = poll !== undefined || flush !== undefined;
  const suffix = tuned ? ` (poll ${poll ?? DEFAULT_POLL}, flush ${flush ?? DEFAULT_FLUSH})` : '';
  const settings = `poll_interval ${poll ?? DEFAULT_POLL}, flush_interval ${flush ?? DEFAULT_FLUSH}${tuned ? '' : ' (defaults)'}`;
  const rates = [1000, 10_000];
  const dir = mkdtempSync(join(root, 'latency-'));
  const dataDir = join(dir, 'data');
  const file = join(dir, 'in', 'app.log');
  mkdirSync(join(dir, 'in'));
  writeFileSync(file, '');
  const config = join(dir, 'logpipe.yaml');
  writeConfig(config, {
    data_dir: dataDir,
    sources: [{ type: 'file', paths: [file], ...(poll ? { poll_interval: poll } : {}) }],
    ...(flush ? { storage: { flush_interval: flush } } : {}),
    server: { port: 0 },
  });
  const deadline = performance.now() + SCENARIO_TIMEOUT_MS;
  let child: CliChild | null = null;
  let fh: FileHandle | null = null;
  try {
    child = startCli(['run', '--config', config, '--quiet']);
    const url = await waitForUrl(dataDir, child, deadline);
    fh = await open(file, 'a');
    await phase(fh, url, 'bench-warmup', 1000, 1, deadline);
    const phases: Phase[] = [];
    for (const rate of rates)
      phases.push(await phase(fh, url, `bench-${rate / 1000}k`, rate, LATENCY_SECONDS, deadline));
    const lag = 'epoch_us(ingested_at) - epoch_us(ts)';
    const stored = await sql(
      url,
      `SELECT service, count(*) AS n, count(DISTINCT CAST(fields->>'seq' AS BIGINT)) AS seqs,
         quantile_cont(${lag}, 0.5) / 1000 AS p50, quantile_cont(${lag}, 0.99) / 1000 AS p99,
         max(${lag}) / 1000 AS max
       FROM logs WHERE service IN (${phases.map((p) => `'${p.service}'`).join(', ')}) GROUP BY service`,
    );
    const rows: BenchRow[] = [];
    for (const p of phases) {
      const r = stored.find((x) => x.service === p.service);
      if (!r) throw new Error(`no rows stored for ${p.service}`);
      const obs = observedLatencies(p);
      const written = p.writes.length;
      const achieved = (written - 1) / ((p.writes[written - 1] - p.writes[0]) / 1000);
      const label = `@${p.rate / 1000}k/s${suffix}`;
      const common = `${settings}; ${int(Number(r.n))} lines${Number(r.seqs) !== written ? ` (${int(Number(r.seqs))} distinct seqs!)` : ''} at ${int(achieved)}/s`;
      rows.push(
        {
          name: `pipeline latency p50 ${label}`,
          value: Number(r.p50),
          unit: 'ms',
          note: `ingested_at − ts (append start; the append itself not counted); ${common}`,
        },
        {
          name: `pipeline latency p99 ${label}`,
          value: Number(r.p99),
          unit: 'ms',
          goal: 'p99 < 1 s',
          note: `ingested_at − ts, max ${Math.round(Number(r.max))} ms`,
        },
        {
          name: `pipeline latency p50 ${label} seen by a client`,
          value: quantile(obs, 0.5),
          unit: 'ms',
          note: `write → first answer of a count polled every ${LATENCY_POLL_MS} ms through the API that includes the line`,
        },
        {
          name: `pipeline latency p99 ${label} seen by a client`,
          value: quantile(obs, 0.99),
          unit: 'ms',
          goal: 'p99 < 1 s',
          note: `max ${Math.round(obs[obs.length - 1])} ms`,
        },
      );
    }
    return rows;
  } catch (err) {
    return rates.map((rate) => ({
      name: `pipeline latency p99 @${rate / 1000}k/s${suffix}`,
      value: Number.NaN,
      unit: 'ms',
      goal: 'p99 < 1 s',
      note: `failed: ${errText(err)}`,
    }));
  } finally {
    await fh?.close();
    await child?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

export default async function bench(): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'logpipe-bench-pipeline-'));
  const rows: BenchRow[] = [];
  try {
    const input = join(root, 'input', 'access.log');
    mkdirSync(join(root, 'input'));
    let inputError = '';
    try {
      // Not timed: the input exists before either pipeline starts.
      await runToEnd(
        [
          'generate',
          '--format',
          'apache_combined',
          '--count',
          String(LINES),
          '--rate',
          'max',
          '--seed',
          '1',
          '-o',
          input,
        ],
        SCENARIO_TIMEOUT_MS,
      );
      process.stderr.write(
        `bench: pipeline input ${int(LINES)} lines, ${(statSync(input).size / 1e6).toFixed(0)} MB\n`,
      );
    } catch (err) {
      inputError = errText(err);
    }
    for (const mode of ['run', 'up'] as const) {
      if (inputError) {
        rows.push({
          name: `pipeline ${mode} ${linesLabel(LINES)} apache_combined (first read → queryable)`,
          value: Number.NaN,
          unit: 'lines/s',
          goal: '>= 500,000',
          note: `failed: generating the input: ${inputError}`,
        });
      } else rows.push(...(await throughput(mode, input, root)));
    }
    rmSync(input, { force: true });
    rows.push(...(await latency(root)));
    rows.push(...(await latency(root, '50ms', '100ms')));
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
