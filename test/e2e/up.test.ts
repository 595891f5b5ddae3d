/**
 * `logpipe up` under faults: every component its own process, linked over HTTP, acknowledged
 * only after the store commits. Lines are written by a separate `logpipe generate --manifest`
 * (an application, as far as the pipeline knows); `logpipe verify` then proves every line was
 * stored exactly once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tailConfig } from '../helpers/cli.js';
import {
  expectExactlyOnce,
  killAll,
  rssMiB,
  startLogpipe,
  type UpComponent,
  upComponents,
} from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const dataDirs: string[] = [];
afterEach(() => killAll(dataDirs.splice(0)));

/** A config tailing `<dir>/logs/*.log` into `<dir>/data`; the generators are started by the tests. */
function setup(): { dir: string; dataDir: string; config: string } {
  const c = tailConfig('*.log*', { extra: ['server: { port: 0 }'] });
  dataDirs.push(c.dataDir);
  return c;
}

/** Starts `logpipe up` and waits until store, parser and collector run. */
async function up(config: string, dataDir: string) {
  const p = startLogpipe(['up', '--config', config]);
  await waitFor(
    'store, parser and collector running',
    async () => {
      const cs = upComponents(dataDir);
      return cs.length === 3 && cs.every((c) => c.state === 'running') ? cs : undefined;
    },
    60_000,
  );
  return p;
}

function component(dataDir: string, name: string): UpComponent {
  const c = upComponents(dataDir).find((x) => x.name === name);
  if (!c) throw new Error(`${name} not in up.json`);
  return c;
}

function generate(dir: string, name: string, rate: number, seconds: number) {
  const manifest = join(dir, `${name}.manifest.json`);
  const g = startLogpipe([
    'generate',
    '--format',
    'apache_combined',
    '--seed',
    String(rate),
    '--rate',
    String(rate),
    '--duration',
    `${seconds}s`,
    '-o',
    join(dir, 'logs', `${name}.log`),
    '--manifest',
    manifest,
  ]);
  return { g, manifest };
}

describe('logpipe up', () => {
  it('stores 100 % of lines at 10, 50, 100 and 200 lines/s', async () => {
    const { dir, dataDir, config } = setup();
    const pipeline = await up(config, dataDir);
    for (const rate of [10, 50, 100, 200]) {
      const { g, manifest } = generate(dir, `rate-${rate}`, rate, 10);
      expect(await g.exited, g.output()).toBe(0);
      await expectExactlyOnce(manifest, dataDir, 30_000, `at ${rate} lines/s`);
    }
    pipeline.child.kill('SIGINT');
    expect(await pipeline.exited, pipeline.output()).toBe(0);
    expect(pipeline.output()).toMatch(/stopped store/);
  }, 150_000);

  it('SIGKILL of the collector, the parser and the store at 5,000 lines/s for 60 s: 0 lost, 0 duplicated', async () => {
    const { dir, dataDir, config } = setup();
    const pipeline = await up(config, dataDir);
    const { g, manifest } = generate(dir, 'app', 5000, 60);
    // One kill each, at unpredictable moments spread over the run, in a shuffled order.
    const order = ['collector', 'parser', 'store'].sort(() => Math.random() - 0.5);
    const times = order.map((_, i) => 8_000 + i * 15_000 + Math.random() * 10_000);
    const started = Date.now();
    for (const [i, name] of order.entries()) {
      await new Promise((r) => setTimeout(r, Math.max(0, started + times[i] - Date.now())));
      const before = component(dataDir, name);
      expect(before.pid, `${name} pid`).not.toBeNull();
      process.kill(before.pid!, 'SIGKILL');
      await waitFor(
        `${name} restarted`,
        async () => {
          const c = component(dataDir, name);
          return c.state === 'running' && c.pid !== before.pid && c.restarts === before.restarts + 1
            ? c
            : undefined;
        },
        60_000,
      );
    }
    expect(await g.exited, g.output()).toBe(0);
    await expectExactlyOnce(manifest, dataDir, 120_000, pipeline.output().slice(-4000));
    pipeline.child.kill('SIGINT');
    expect(await pipeline.exited, pipeline.output().slice(-4000)).toBe(0);
  }, 300_000);

  it('store paused with SIGSTOP for 20 s: memory stays bounded, the backlog drains, nothing is lost', async () => {
    const { dir, dataDir, config } = setup();
    const pipeline = await up(config, dataDir);
    const { g, manifest } = generate(dir, 'app', 2000, 35);
    await new Promise((r) => setTimeout(r, 5000));
    const store = component(dataDir, 'store');
    const pids = ['store', 'parser', 'collector'].map((n) => component(dataDir, n).pid!);
    process.kill(store.pid!, 'SIGSTOP');
    const peak = new Map<number, number>();
    try {
      for (let s = 0; s < 20; s++) {
        await new Promise((r) => setTimeout(r, 1000));
        for (const pid of [...pids, pipeline.child.pid!])
          peak.set(pid, Math.max(peak.get(pid) ?? 0, rssMiB(pid)));
      }
    } finally {
      process.kill(store.pid!, 'SIGCONT');
    }
    // Bounded: the collector stops reading when its batches are not acknowledged, so no
    // process holds the backlog (40,000 lines, about 8 MiB of text) in memory several times over.
    for (const [pid, mib] of peak) expect(mib, `peak RSS of pid ${pid}`).toBeLessThan(400);
    // The store was not restarted for being paused: it is the same process, and it drains.
    expect(component(dataDir, 'store').pid).toBe(store.pid);
    expect(await g.exited, g.output()).toBe(0);
    await expectExactlyOnce(manifest, dataDir, 120_000, pipeline.output().slice(-4000));
    pipeline.child.kill('SIGINT');
    expect(await pipeline.exited, pipeline.output().slice(-4000)).toBe(0);
  }, 240_000);

  it('refuses a bad config key in one line, before starting anything', async () => {
    const { dir, dataDir } = setup();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `data_dir: ${dataDir}\nstorage: { retention: soon }\n`);
    const p = startLogpipe(['up', '--config', bad]);
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/storage\.retention/);
    expect(p.output()).not.toMatch(/\n\s+at /);
  });
});
