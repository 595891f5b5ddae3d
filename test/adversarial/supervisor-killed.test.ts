/**
 * Issue #27, "Faults end cleanly": kill -9 of the `logpipe up` supervisor orphaned the store,
 * parser and collector, and the next `up` crash-looped on the store's lock. Now every component
 * stops on its own once its supervisor is gone, and the next `up` stops what a previous one left
 * (here: components paused, so they cannot notice) with a line saying so, then starts cleanly.
 * The built-in demo runs: two generators, their files tailed, parsed and stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { killAll, type Proc, startLogpipe, type UpComponent } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** Store, parser, collector and the demo's two generators. */
const COMPONENTS = 5;

const pids = new Set<number>();
const dataDirs: string[] = [];
afterEach(() => {
  killAll(dataDirs.splice(0));
  for (const pid of pids) {
    signal(pid, 'SIGCONT');
    signal(pid, 'SIGKILL');
  }
  pids.clear();
});

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

/** Gone: no such process, or a zombie nobody reaps (an orphan's parent is init). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** What up.json says: the supervisor's pid and its components (null when there is none). */
function upState(dataDir: string): { pid: number; components: UpComponent[] } | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'up.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Starts `logpipe up` (the demo) and waits until every component runs; their pids are kept for cleanup. */
async function up(dataDir: string): Promise<{ p: Proc; components: UpComponent[] }> {
  const p = startLogpipe(['up', '--data-dir', dataDir, '--set', 'server.port=0']);
  pids.add(p.child.pid!);
  const components = await waitFor(
    'every component running',
    async () => {
      const up = upState(dataDir);
      if (!up || up.pid !== p.child.pid) return undefined; // none yet, or a previous supervisor's
      const cs = up.components;
      return cs.length === COMPONENTS && cs.every((c) => c.state === 'running' && c.pid) ? cs : undefined;
    },
    30_000,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}\n${p.output().slice(-3000)}`);
  });
  for (const c of components) pids.add(c.pid!);
  return { p, components };
}

describe('logpipe up after its supervisor is killed -9', () => {
  it('every component exits within 15 s, and the next up starts cleanly', async () => {
    const dataDir = join(tempDir('logpipe-up-killed-'), 'data');
    dataDirs.push(dataDir);
    const first = await up(dataDir);
    first.p.child.kill('SIGKILL');
    await first.p.exited;
    const orphans = first.components.map((c) => c.pid!);
    await waitFor(
      'the orphaned components to exit',
      async () => (orphans.every(gone) ? true : undefined),
      15_000,
    ).catch(() => {
      const alive = first.components.filter((c) => !gone(c.pid!)).map((c) => `${c.name} (pid ${c.pid})`);
      throw new Error(`still running 15 s after their supervisor was killed: ${alive.join(', ')}`);
    });

    const second = await up(dataDir);
    expect(second.components.map((c) => c.restarts)).toEqual(Array(COMPONENTS).fill(0));
    second.p.child.kill('SIGINT');
    expect(await second.p.exited, second.p.output().slice(-3000)).toBe(0);
  }, 60_000);

  it('the next up stops the components a killed one left, saying so, then starts cleanly', async () => {
    const dataDir = join(tempDir('logpipe-up-leftovers-'), 'data');
    dataDirs.push(dataDir);
    const first = await up(dataDir);
    // Paused, they cannot see their supervisor go: leftovers, as from a logpipe without that watch.
    const left = first.components.map((c) => c.pid!);
    for (const pid of left) signal(pid, 'SIGSTOP');
    first.p.child.kill('SIGKILL');
    await first.p.exited;
    expect(left.filter(gone)).toEqual([]);

    const began = Date.now();
    const second = await up(dataDir);
    const out = second.p.output();
    expect(out).toMatch(
      new RegExp(
        `a previous logpipe up \\(pid ${first.p.child.pid}, gone\\) left .*store \\(pid ${first.components[0].pid}\\).* running; stopping them`,
      ),
    );
    expect(out).toMatch(/stopped 5 leftover component\(s\) in \d+\.\d s/);
    expect(left.filter((pid) => !gone(pid))).toEqual([]);
    // Started cleanly: no component failed and was restarted (the store did not meet a lock).
    expect(second.components.map((c) => c.restarts)).toEqual(Array(COMPONENTS).fill(0));
    expect(Date.now() - began).toBeLessThan(40_000);
    second.p.child.kill('SIGINT');
    expect(await second.p.exited, second.p.output().slice(-3000)).toBe(0);
  }, 60_000);
});
