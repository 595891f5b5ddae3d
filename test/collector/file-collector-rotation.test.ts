import {
  copyFileSync,
  ftruncateSync,
  mkdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectOnce, FileCollector, type FileCollectorOptions } from '../../src/collector/index.js';
import type { RawEvent } from '../../src/core/events.js';
import { tempDir } from '../helpers/cli.js';

function opts(dir: string, extra: Partial<FileCollectorOptions> = {}): FileCollectorOptions {
  return {
    paths: [join(dir, 'app.log*')],
    checkpointPath: join(dir, 'ck', 'collect.json'),
    pollIntervalMs: 10,
    checkpointIntervalMs: 20,
    releaseAfterMs: 100,
    copyWaitMs: 2000,
    closeTimeoutMs: 500,
    ...extra,
  };
}

/** Runs a collector, acking every batch, until `want` events arrived (or a deadline passed). */
function startCollecting(o: FileCollectorOptions) {
  const events: RawEvent[] = [];
  const warnings: string[] = [];
  const c2 = new FileCollector({ ...o, onWarning: (m) => warnings.push(m) });
  const pump = (async () => {
    for await (const b of c2.batches()) {
      events.push(...b.events);
      b.ack();
    }
  })();
  return {
    collector: c2,
    events,
    warnings,
    async until(pred: () => boolean, ms = 20_000): Promise<void> {
      const end = Date.now() + ms;
      while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    },
    async finish(): Promise<void> {
      c2.stop();
      await pump;
      await c2.close();
    },
  };
}

const line = (i: number) => `event ${String(i).padStart(6, '0')} ${'x'.repeat(i % 40)}`;

/** Every written line arrived exactly once, and no two events share (source, generation, offset). */
function expectExactlyOnce(events: RawEvent[], n: number): void {
  const seen = new Map<string, number>();
  for (const e of events) seen.set(e.line, (seen.get(e.line) ?? 0) + 1);
  const missing: number[] = [];
  const dup: string[] = [];
  for (let i = 0; i < n; i++) if (!seen.has(line(i))) missing.push(i);
  for (const [l, k] of seen) if (k > 1) dup.push(l);
  expect({ missing: missing.slice(0, 10), dup: dup.slice(0, 10), total: events.length }).toEqual({
    missing: [],
    dup: [],
    total: n,
  });
  const ids = new Set(events.map((e) => `${e.source}|${e.generation}|${e.offset}`));
  expect(ids.size).toBe(events.length);
}

describe('FileCollector rotation', () => {
  it('rename rotation under load: every line exactly once, late writes to the old file included', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    const run = startCollecting(opts(dir));
    const N = 20_000;
    let fh = await open(f, 'a');
    for (let i = 0, k = 1; i < N; i += 100) {
      let chunk = '';
      for (let j = i; j < i + 100; j++) chunk += `${line(j)}\n`;
      if (i > 0 && i % 2000 === 0) {
        renameSync(f, `${f}.${k++}`);
        await fh.write(chunk); // the app writes to the old file until it reopens
        await fh.close();
        fh = await open(f, 'a');
      } else {
        await fh.write(chunk);
      }
      if (i % 400 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    await fh.close();
    await run.until(() => run.events.length >= N);
    await run.finish();
    expectExactlyOnce(run.events, N);
    expect(run.collector.stats().rotations).toBeGreaterThan(0);
  });

  it('copytruncate rotation under load: the copy is finished without duplicates', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    const run = startCollecting(opts(dir));
    const N = 20_000;
    const fh = await open(f, 'a');
    for (let i = 0, k = 1; i < N; i += 100) {
      let chunk = '';
      for (let j = i; j < i + 100; j++) chunk += `${line(j)}\n`;
      await fh.write(chunk);
      if ((i + 100) % 2000 === 0) {
        // logrotate's copytruncate: copy, then truncate in place; the writer keeps its O_APPEND fd.
        copyFileSync(f, `${f}.${k++}`);
        ftruncateSync(fh.fd, 0);
      }
      if (i % 400 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    await fh.close();
    await run.until(() => run.events.length >= N);
    await new Promise((r) => setTimeout(r, 100)); // a duplicate would arrive now
    await run.finish();
    expectExactlyOnce(run.events, N);
    expect(run.collector.stats().truncations).toBeGreaterThan(0);
    expect(run.collector.stats().rotations).toBeGreaterThan(0);
  });

  it('restarts a truncated live file from the beginning in a new generation', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    writeFileSync(f, 'header\nold 1\nold 2\n');
    const run = startCollecting(opts(dir));
    await run.until(() => run.events.length >= 3);
    writeFileSync(f, 'header\nnew 1\n'); // shorter: truncated and rewritten
    await run.until(() => run.events.length >= 5);
    writeFileSync(f, 'header\nnewer 1 is a much longer line than before\n'); // longer than before
    await run.until(() => run.events.length >= 7);
    await run.finish();
    expect(run.events.map((e) => e.line)).toEqual([
      'header',
      'old 1',
      'old 2',
      'header',
      'new 1',
      'header',
      'newer 1 is a much longer line than before',
    ]);
    const gens = new Set(run.events.map((e) => e.generation));
    expect(gens.size).toBe(3);
    expect(new Set(run.events.map((e) => e.source))).toEqual(new Set([f]));
    expect(run.warnings.some((w) => w.includes('truncated'))).toBe(true);
  });

  it('tells apart two files with the same first line, and waits on empty files', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log.a'), 'same header\na1\n');
    writeFileSync(join(dir, 'app.log.b'), 'same header\nb1\nb2\n');
    writeFileSync(join(dir, 'app.log.empty'), '');
    const run = startCollecting(opts(dir, { copyWaitMs: 100 }));
    await run.until(() => run.events.length >= 5);
    await appendFile(join(dir, 'app.log.empty'), 'now 1\n');
    await run.until(() => run.events.length >= 6);
    await run.finish();
    const bySource = (s: string) => run.events.filter((e) => e.source === join(dir, s)).map((e) => e.line);
    expect(bySource('app.log.a')).toEqual(['same header', 'a1']);
    expect(bySource('app.log.b')).toEqual(['same header', 'b1', 'b2']);
    expect(bySource('app.log.empty')).toEqual(['now 1']);
    // After a restart each resumes its own position.
    await appendFile(join(dir, 'app.log.a'), 'a2\n');
    await appendFile(join(dir, 'app.log.b'), 'b3\n');
    const again = await collectOnce(opts(dir));
    expect(again.map((e) => `${e.source.slice(-9)} ${e.line}`).sort()).toEqual([
      'app.log.a a2',
      'app.log.b b3',
    ]);
  });

  it('a new file at a reused path and inode with the same first line gets a new generation', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    writeFileSync(f, 'same header\nA1\n');
    const one = await collectOnce(opts(dir));
    unlinkSync(f);
    writeFileSync(f, 'same header\nB1 longer than before\nB2\n');
    const two = await collectOnce(opts(dir));
    expect(two.map((e) => e.line)).toEqual(['same header', 'B1 longer than before', 'B2']);
    expect(two[0].source).toBe(one[0].source);
    expect(two[0].generation).not.toBe(one[0].generation);
  });

  it('reports a file deleted while tailed, reads it to its end and releases it', async () => {
    const dir = tempDir();
    const f = join(dir, 'app.log');
    writeFileSync(f, 'one\n');
    const run = startCollecting(opts(dir));
    await run.until(() => run.events.length >= 1);
    const fh = await open(f, 'a');
    unlinkSync(f);
    await fh.write('two, written after the delete\n');
    await fh.close();
    await run.until(() => run.collector.stats().files === 0, 5000);
    await run.finish();
    expect(run.events.map((e) => e.line)).toEqual(['one', 'two, written after the delete']);
    expect(run.warnings.some((w) => w.includes('deleted'))).toBe(true);
    expect(run.collector.stats().filesReleased).toBe(1);
  });

  it('collects 500 files in a glob, including ones that appear while running', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    for (let i = 0; i < 300; i++)
      writeFileSync(join(dir, 'a', `f${i}.log`), `file ${i} line 1\nfile ${i} line 2\n`);
    const run = startCollecting(opts(dir, { paths: [join(dir, '**', '*.log')], pollIntervalMs: 50 }));
    await run.until(() => run.events.length >= 600);
    for (let i = 300; i < 500; i++)
      writeFileSync(join(dir, 'a', 'b', `f${i}.log`), `file ${i} line 1\nfile ${i} line 2\n`);
    await run.until(() => run.events.length >= 1000);
    expect(run.collector.stats().files).toBe(500);
    await run.finish();
    expect(new Set(run.events.map((e) => e.line)).size).toBe(1000);
    expect(run.events).toHaveLength(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports per-file lag, rotations and checkpoint age in stats()', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log'), 'a\nb\n');
    const run = startCollecting(opts(dir));
    await run.until(() => run.events.length >= 2);
    await run.until(() => run.collector.stats().checkpointAgeMs !== null, 2000);
    const s = run.collector.stats();
    expect(s).toMatchObject({
      files: 1,
      lines: 2,
      bytes: 4,
      rotations: 0,
      truncations: 0,
      linesTruncated: 0,
    });
    expect(s.lagBytes).toEqual({ [join(dir, 'app.log')]: 0 });
    expect(s.checkpointAgeMs).toBeGreaterThanOrEqual(0);
    await run.finish();
  });
});
