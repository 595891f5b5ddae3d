/**
 * Collector benchmarks: tail-only throughput reading a 1M-line file from the beginning (batches
 * acknowledged at once, no output), and resident memory while tailing 1,000 files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCollector } from '../src/collector/index.js';
import type { BenchRow } from './types.js';

const LINES = 1_000_000;

/** Writes `n` lines shaped like an access log, ~110 bytes each. */
async function writeLines(path: string, n: number): Promise<number> {
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    const chunk: string[] = [];
    for (let i = 0; i < n; i++) {
      chunk.push(
        `10.0.${i % 256}.${(i * 7) % 256} - - [27/Nov/2026:12:00:00 +0000] "GET /api/items/${i} HTTP/1.1" 200 ${i % 5000} "-" "bench"\n`,
      );
      if (chunk.length === 10_000) {
        const s = chunk.join('');
        bytes += Buffer.byteLength(s);
        await fh.write(s);
        chunk.length = 0;
      }
    }
    const s = chunk.join('');
    bytes += Buffer.byteLength(s);
    await fh.write(s);
  } finally {
    await fh.close();
  }
  return bytes;
}

async function throughput(dir: string): Promise<BenchRow[]> {
  const file = join(dir, 'big.log');
  const bytes = await writeLines(file, LINES);
  const rows: BenchRow[] = [];
  for (const run of [1, 2]) {
    const c = new FileCollector({ paths: [file], checkpointPath: join(dir, `ck-${run}.json`), once: true });
    let lines = 0;
    const t0 = performance.now();
    for await (const b of c.batches()) {
      lines += b.events.length;
      b.ack();
    }
    const secs = (performance.now() - t0) / 1000;
    await c.close();
    if (lines !== LINES) throw new Error(`collector bench: read ${lines} lines, expected ${LINES}`);
    if (run === 2) {
      rows.push(
        {
          name: 'collect tail 1M lines',
          value: LINES / secs,
          unit: 'lines/s',
          goal: '>= 1,000,000',
          note: `${(bytes / 1e6).toFixed(0)} MB file, warm cache`,
        },
        { name: 'collect tail 1M lines', value: bytes / secs / 1e6, unit: 'MB/s' },
      );
    }
  }
  return rows;
}

async function memory(dir: string): Promise<BenchRow[]> {
  const files = 1000;
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `f${i}.log`), `file ${i} first line\n`.repeat(20));
  const c = new FileCollector({
    paths: [join(dir, 'f*.log')],
    checkpointPath: join(dir, 'ck-many.json'),
    pollIntervalMs: 100,
    checkpointIntervalMs: 500,
  });
  const it = c.batches();
  let lines = 0;
  const pump = (async () => {
    for await (const b of it) {
      lines += b.events.length;
      b.ack();
    }
  })();
  const { appendFile } = await import('node:fs/promises');
  let peak = 0;
  const t0 = performance.now();
  // Keep appending to a rotating subset of the files for a few seconds while tailing all.
  for (let round = 0; performance.now() - t0 < 8000; round++) {
    for (let k = 0; k < 50; k++)
      await appendFile(join(dir, `f${(round * 50 + k) % files}.log`), 'more data here\n'.repeat(10));
    peak = Math.max(peak, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 50));
  }
  c.stop();
  await pump;
  await c.close();
  return [
    {
      name: 'collect rss tailing 1,000 files',
      value: peak / 1024 / 1024,
      unit: 'MiB',
      goal: '< 150',
      note: `${lines} lines read while appending`,
    },
  ];
}

export default async function (): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'logpipe-bench-collect-'));
  try {
    // Memory first, so the throughput run's garbage does not count against it.
    const mem = await memory(dir);
    return [...(await throughput(dir)), ...mem];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
