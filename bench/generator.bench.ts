/**
 * Generator benchmarks: unthrottled apache_combined lines/s to a file (goal >= 1,000,000 on one
 * core), and the achieved rate at 1,000 and 50,000 lines/s measured by an outside observer over a
 * window of BENCH_RATE_SECONDS (default 30) after a one-second warm-up (goal within 0.5 %).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generate } from '../src/generator/index.js';
import type { BenchRow } from './types.js';

const WARMUP_MS = 1000;

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'logpipe-bench-gen-'));
  try {
    for (const format of ['apache_combined', 'json']) {
      const path = join(dir, `${format}.log`);
      // Warm the JIT first, as a long-running generator would be.
      await generate({ format, rate: 'max', count: 300_000, seed: 1, output: { kind: 'file', path } });
      rmSync(path);
      const count = 3_000_000;
      const cpu0 = process.cpuUsage();
      const s = await generate({ format, rate: 'max', count, seed: 1, output: { kind: 'file', path } });
      const cpu = process.cpuUsage(cpu0);
      rows.push({
        name: `generate ${format} unthrottled to file`,
        value: s.rate,
        unit: 'lines/s',
        goal: format === 'apache_combined' ? '>= 1,000,000' : undefined,
        note: `${count.toLocaleString('en-US')} lines, ${((s.bytes / s.elapsedMs) * 1e-3).toFixed(0)} MB/s`,
      });
      // Per CPU-second of the whole process (encoding and the kernel's writes included): the
      // figure to read on a busy machine, where wall-clock rates measure the neighbours too.
      rows.push({
        name: `generate ${format} per CPU-second`,
        value: (count * 1e6) / (cpu.user + cpu.system),
        unit: 'lines/cpu-s',
        note: `user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s`,
      });
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = Number(process.env.BENCH_RATE_SECONDS ?? 30);
  for (const rate of [1000, 50_000]) {
    const achieved = await measureRate(rate, seconds * 1000);
    const errPct = ((achieved - rate) / rate) * 100;
    rows.push({
      name: `generate apache_combined at ${rate.toLocaleString('en-US')} lines/s`,
      value: achieved,
      unit: 'lines/s',
      goal: 'within 0.5 %',
      note: `${seconds} s window, error ${errPct >= 0 ? '+' : ''}${errPct.toFixed(3)} %`,
    });
  }
  return rows;
}

/** Runs at `rate` and counts the lines that reach a sink during a window after a warm-up. */
async function measureRate(rate: number, windowMs: number): Promise<number> {
  let lines = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      let n = 0;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
      lines += n;
      cb();
    },
  });
  const ac = new AbortController();
  const run = generate({
    format: 'apache_combined',
    rate,
    seed: 1,
    output: { kind: 'stream', stream: sink },
    signal: ac.signal,
  });
  await sleep(WARMUP_MS);
  const t1 = performance.now();
  const n1 = lines;
  await sleep(windowMs);
  const t2 = performance.now();
  const n2 = lines;
  ac.abort();
  await run;
  return ((n2 - n1) * 1000) / (t2 - t1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
