/** The file collector's bound on open files (open-files.ts): closed while idle, reopened by identity. */
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  readdirSync,
  readlinkSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectOnce, FileCollector, type FileCollectorOptions } from '../../src/collector/index.js';
import type { RawEvent } from '../../src/core/events.js';
import { tempDir } from '../helpers/cli.js';

function opts(dir: string, extra: Partial<FileCollectorOptions> = {}): FileCollectorOptions {
  return {
    paths: [join(dir, '*.log*')],
    checkpointPath: join(dir, 'ck', 'collect.json'),
    pollIntervalMs: 10,
    checkpointIntervalMs: 20,
    releaseAfterMs: 100,
    copyWaitMs: 2000,
    closeTimeoutMs: 500,
    maxOpenFiles: 3,
    ...extra,
  };
}

/** Runs a collector, acking every batch and sampling how many files it holds open. */
function run(o: FileCollectorOptions) {
  const events: RawEvent[] = [];
  const warnings: string[] = [];
  const c = new FileCollector({ ...o, onWarning: (m) => warnings.push(m) });
  let maxOpen = 0;
  const pump = (async () => {
    for await (const b of c.batches()) {
      maxOpen = Math.max(maxOpen, c.stats().openFiles);
      events.push(...b.events);
      b.ack();
    }
  })();
  return {
    collector: c,
    events,
    warnings,
    maxOpen: () => maxOpen,
    async until(pred: () => boolean, ms = 20_000): Promise<void> {
      const end = Date.now() + ms;
      while (!pred() && Date.now() < end) {
        maxOpen = Math.max(maxOpen, c.stats().openFiles);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async finish(): Promise<void> {
      c.stop();
      await pump;
      await c.close();
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether this process holds `path` open (Linux; true elsewhere, where it cannot tell). */
function holdsOpen(path: string): boolean {
  if (!existsSync('/proc/self/fd')) return true;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** Each of `lines` arrived once, and no two events share (source, generation, offset). */
function expectOnce(events: RawEvent[], lines: string[]): void {
  expect(events.map((e) => e.line).sort()).toEqual([...lines].sort());
  expect(new Set(events.map((e) => `${e.source}|${e.generation}|${e.offset}`)).size).toBe(events.length);
}

describe('FileCollector open files', () => {
  it('reads 40 files being appended to in turn, holding at most maxOpenFiles open', async () => {
    const dir = tempDir();
    const want: string[] = [];
    const r = run(opts(dir));
    for (let round = 0; round < 5; round++) {
      for (let f = 0; f < 40; f++) {
        const l = `file ${f} round ${round}`;
        appendFileSync(join(dir, `f${f}.log`), `${l}\n`);
        want.push(l);
      }
      await pause(30);
    }
    await r.until(() => r.events.length >= want.length);
    await pause(50);
    await r.finish();
    expectOnce(r.events, want);
    expect(r.maxOpen()).toBeLessThanOrEqual(3);
    expect(r.maxOpen()).toBeGreaterThan(0);
  });

  it('--once reads every file with a bound far below their number', async () => {
    const dir = tempDir();
    const want: string[] = [];
    for (let f = 0; f < 50; f++) {
      const text = [`a ${f}`, `b ${f}`];
      writeFileSync(join(dir, `f${f}.log`), `${text.join('\n')}\n`);
      want.push(...text);
    }
    expectOnce(await collectOnce(opts(dir, { maxOpenFiles: 2 })), want);
  });

  it('follows a closed file renamed within the globs, and finishes a closed file copied and truncated', async () => {
    const dir = tempDir();
    for (let f = 0; f < 6; f++) writeFileSync(join(dir, `idle${f}.log`), `idle ${f}\n`);
    const want = Array.from({ length: 6 }, (_, f) => `idle ${f}`);
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    writeFileSync(a, 'a 0\n');
    writeFileSync(b, 'b 0\n');
    want.push('a 0', 'b 0');
    const r = run(opts(dir));
    await r.until(() => r.events.length >= want.length);
    // Touch the idle files so a.log and b.log are the ones closed, then rotate them.
    for (let f = 0; f < 6; f++) appendFileSync(join(dir, `idle${f}.log`), `idle ${f} again\n`);
    want.push(...Array.from({ length: 6 }, (_, f) => `idle ${f} again`));
    await r.until(() => r.events.length >= want.length);
    expect([holdsOpen(a), holdsOpen(b)]).toEqual([false, false]);
    renameSync(a, `${a}.1`);
    appendFileSync(`${a}.1`, 'a 1 after rename\n');
    appendFileSync(b, 'b 1 before copy\n');
    copyFileSync(b, `${b}.1`);
    truncateSync(b, 0);
    appendFileSync(b, 'b new 0\n');
    want.push('a 1 after rename', 'b 1 before copy', 'b new 0');
    await r.until(() => r.events.length >= want.length);
    await pause(300); // a duplicate would arrive now
    await r.finish();
    expectOnce(r.events, want);
    expect(r.maxOpen()).toBeLessThanOrEqual(3);
    const after = r.events.find((e) => e.line === 'a 1 after rename');
    expect(after?.source).toBe(a);
  });
});
