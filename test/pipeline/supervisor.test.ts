import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { memoryLogger } from '../../src/core/log.js';
import { type ChildSpec, type ChildState, supervise, upStatePath } from '../../src/pipeline/supervisor.js';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/fake-component.mjs');

interface Note {
  what: string;
  name: string;
  at: number;
  restarts: string;
  pid: number;
}

interface Run {
  dir: string;
  orderFile: string;
  ac: AbortController;
  done: Promise<void>;
  log: ReturnType<typeof memoryLogger>;
  output: string[];
}

const dirs: string[] = [];
const runs: Run[] = [];

afterEach(async () => {
  // Stop whatever a test left running, then make sure no child outlives it.
  for (const r of runs.splice(0)) {
    r.ac.abort();
    await r.done.catch(() => {});
    for (const n of notes(r)) {
      killQuietly(n.pid);
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

/** A fixture child: `name`, serving /healthz on a free port unless `health: false`. */
async function child(
  run: { orderFile: string },
  name: string,
  opts: { health?: boolean; restart?: ChildSpec['restart']; args?: string[] } = {},
): Promise<ChildSpec> {
  const args = ['--name', name, '--order-file', run.orderFile, ...(opts.args ?? [])];
  let url: string | undefined;
  if (opts.health !== false) {
    const port = await freePort();
    args.push('--port', String(port));
    url = `http://127.0.0.1:${port}`;
  }
  return { name, args, ...(url ? { url } : {}), restart: opts.restart ?? 'always' };
}

function newRun(): { dir: string; orderFile: string } {
  const dir = tempDir('logpipe-supervisor-');
  dirs.push(dir);
  return { dir, orderFile: join(dir, 'order.txt') };
}

function start(
  base: { dir: string; orderFile: string },
  children: ChildSpec[],
  extra: { stopTimeoutMs?: number; startTimeoutMs?: number } = {},
): Run {
  const ac = new AbortController();
  const log = memoryLogger();
  const output: string[] = [];
  const done = supervise({
    cli: FIXTURE,
    children,
    dataDir: base.dir,
    log,
    signal: ac.signal,
    output: (line) => output.push(line),
    ...extra,
  });
  const run = { ...base, ac, done, log, output };
  runs.push(run);
  return run;
}

function notes(run: { orderFile: string }): Note[] {
  if (!existsSync(run.orderFile)) return [];
  return readFileSync(run.orderFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [what, name, at, restarts, pid] = l.split(' ');
      return {
        what,
        name,
        at: Number(at),
        restarts: restarts.replace('restarts=', ''),
        pid: Number(pid.replace('pid=', '')),
      };
    });
}

function seq(run: { orderFile: string }, ...whats: string[]): string[] {
  return notes(run)
    .filter((n) => whats.includes(n.what))
    .map((n) => `${n.what} ${n.name}`);
}

interface UpFile {
  pid: number;
  started_at: string;
  components: ChildState[];
}

function upFile(dir: string): UpFile | undefined {
  try {
    return JSON.parse(readFileSync(upStatePath(dir), 'utf8')) as UpFile;
  } catch {
    return undefined;
  }
}

/** Waits until up.json shows every component in `state`. */
function allIn(dir: string, state: ChildState['state']): Promise<UpFile> {
  return waitFor(
    `every component ${state}`,
    async () => {
      const up = upFile(dir);
      return up?.components.every((c) => c.state === state) ? up : undefined;
    },
    8000,
  );
}

/** Waits until up.json counts a restart of the first component. */
function firstRestart(dir: string): Promise<true> {
  return waitFor(
    'a restart',
    async () => ((upFile(dir)?.components[0].restarts ?? 0) >= 1 ? true : undefined),
    8000,
  );
}

describe('supervise', () => {
  it('starts children in order, each once the one before answers /healthz, and records them in up.json', async () => {
    const base = newRun();
    const children = [
      await child(base, 'store', { args: ['--healthy-after', '400'] }),
      await child(base, 'parser', { args: ['--healthy-after', '200'] }),
      await child(base, 'collector'),
    ];
    const run = start(base, children);
    const up = await allIn(run.dir, 'running');
    expect(seq(run, 'start', 'healthy')).toEqual([
      'start store',
      'healthy store',
      'start parser',
      'healthy parser',
      'start collector',
      'healthy collector',
    ]);
    expect(up.pid).toBe(process.pid);
    expect(up.components.map((c) => [c.name, c.url, c.restarts])).toEqual(
      children.map((c) => [c.name, c.url, 0]),
    );
    for (const c of up.components) {
      expect(c.pid).toBeGreaterThan(0);
      expect(c.started_at).not.toBeNull();
    }
    // Each child's output reaches the supervisor, prefixed with its name.
    await waitFor(
      'child output',
      async () => (run.output.includes('[collector] collector starting') ? true : undefined),
      5000,
    );
    expect(run.output).toContain('[store] store starting');
    run.ac.abort();
    await run.done;
  });

  it('stops children in reverse order, each after the one before has exited, then removes up.json', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'store', { args: ['--stop-delay', '100'] }),
      await child(base, 'parser', { args: ['--stop-delay', '100'] }),
      await child(base, 'collector', { args: ['--stop-delay', '100'] }),
    ]);
    const up = await allIn(run.dir, 'running');
    const pids = up.components.map((c) => c.pid!);
    run.ac.abort();
    await run.done;
    expect(seq(run, 'stop', 'exit')).toEqual([
      'stop collector',
      'exit collector',
      'stop parser',
      'exit parser',
      'stop store',
      'exit store',
    ]);
    expect(existsSync(upStatePath(run.dir))).toBe(false);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(run.log.lines.filter((l) => l.startsWith('info stopped ')).map((l) => l.split(' ')[2])).toEqual([
      'collector',
      'parser',
      'store',
    ]);
  });

  it('restarts a child that exits with code 1, with backoff, counting restarts', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'store'),
      await child(base, 'parser', { args: ['--exit-after', '300', '--exit-code', '1'] }),
    ]);
    // Two restarts, the second running again.
    const up = await waitFor(
      'the parser running after 2 restarts',
      async () => {
        const u = upFile(run.dir);
        const p = u?.components.find((c) => c.name === 'parser');
        return p && p.restarts >= 2 && p.state === 'running' ? u : undefined;
      },
      8000,
    );
    const parser = up.components.find((c) => c.name === 'parser')!;
    expect(parser.last_exit).toMatch(/^exit code 1 after \d+\.\d s$/);
    expect(up.components.find((c) => c.name === 'store')).toMatchObject({ restarts: 0, state: 'running' });
    const ps = notes(run).filter((n) => n.name === 'parser');
    const starts = ps.filter((n) => n.what === 'start');
    const exits = ps.filter((n) => n.what === 'exit');
    // Each run is told how often it was restarted.
    expect(starts.slice(0, 3).map((n) => n.restarts)).toEqual(['0', '1', '2']);
    // Backoff: 0.25 s after the first failure, 0.5 s after the second.
    expect(starts[1].at - exits[0].at).toBeGreaterThanOrEqual(250);
    expect(starts[2].at - exits[1].at).toBeGreaterThanOrEqual(500);
    expect(run.log.lines.some((l) => /^warn parser \(pid \d+\) ended \(exit code 1\)/.test(l))).toBe(true);
    run.ac.abort();
    await run.done;
    expect(existsSync(upStatePath(run.dir))).toBe(false);
  });

  it('leaves no up.json behind when stopped while a restarted child is still starting', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'parser', {
        args: ['--healthy-after', '500', '--exit-after', '700', '--exit-code', '1'],
      }),
    ]);
    await waitFor(
      'the parser starting again',
      async () => {
        const p = upFile(run.dir)?.components[0];
        return p && p.restarts >= 1 && p.state === 'starting' ? true : undefined;
      },
      8000,
    );
    run.ac.abort();
    await run.done;
    // Long enough for the pending health check of the restarted child to have ended.
    await new Promise((r) => setTimeout(r, 600));
    expect(existsSync(upStatePath(run.dir))).toBe(false);
  });

  it('restarts an `always` child that exits 0', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'store', { args: ['--exit-after', '200', '--exit-code', '0'] }),
    ]);
    await firstRestart(run.dir);
    run.ac.abort();
    await run.done;
  });

  it('leaves an on-failure child that exits 0 done, not restarted, and carries on', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'store'),
      await child(base, 'generator', {
        health: false,
        restart: 'on-failure',
        args: ['--exit-after', '200', '--exit-code', '0'],
      }),
      await child(base, 'after'),
    ]);
    const up = await waitFor(
      'the generator done',
      async () => {
        const u = upFile(run.dir);
        return u?.components[1].state === 'done' && u.components[2].state === 'running' ? u : undefined;
      },
      8000,
    );
    expect(up.components[1]).toMatchObject({ state: 'done', restarts: 0, pid: null });
    expect(up.components[1].last_exit).toMatch(/^exit code 0 after /);
    // Long enough for a restart's backoff to have passed.
    await new Promise((r) => setTimeout(r, 600));
    expect(seq(run, 'start').filter((s) => s === 'start generator')).toHaveLength(1);
    expect(run.log.lines.some((l) => l.startsWith('info generator finished after '))).toBe(true);
    run.ac.abort();
    await run.done;
    expect(seq(run, 'stop')).toEqual(['stop after', 'stop store']);
  });

  it('restarts an on-failure child that fails', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'generator', {
        health: false,
        restart: 'on-failure',
        args: ['--exit-after', '100', '--exit-code', '1'],
      }),
    ]);
    await waitFor('a restart', async () => (seq(run, 'start').length >= 2 ? true : undefined), 8000);
    run.ac.abort();
    await run.done;
  });

  it('fails with a UserError naming the child and its last line when it exits 2 before running', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'store'),
      await child(base, 'parser', {
        args: [
          '--healthy-after',
          '5000',
          '--exit-after',
          '100',
          '--exit-code',
          '2',
          '--say',
          'logpipe: config parse.format: unknown format "nope"',
        ],
      }),
      await child(base, 'collector'),
    ]);
    const err = await run.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('parser cannot start: config parse.format: unknown format "nope"');
    // Not restarted; what had started is stopped; the one after it never started.
    expect(seq(run, 'start')).toEqual(['start store', 'start parser']);
    expect(seq(run, 'stop')).toEqual(['stop store']);
    expect(existsSync(upStatePath(run.dir))).toBe(false);
  });

  it('does not take another process on the port for the child: a refused port is reported, not retried', async () => {
    const base = newRun();
    // Something else (another store) already answers on the port the child was given.
    const other = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/status' ? JSON.stringify({ components: [{ pid: 1 }] }) : '{"status":"ok"}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as { port: number }).port;
    try {
      const store: ChildSpec = {
        name: 'store',
        args: [
          '--name',
          'store',
          '--order-file',
          base.orderFile,
          '--exit-after',
          '300',
          '--exit-code',
          '2',
          '--say',
          `logpipe: config server.port: port ${port} on 127.0.0.1 is already in use`,
        ],
        url: `http://127.0.0.1:${port}`,
        restart: 'always',
      };
      const run = start(base, [store]);
      const err = await run.done.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(
        `store cannot start: config server.port: port ${port} on 127.0.0.1 is already in use`,
      );
      expect(seq(run, 'start')).toEqual(['start store']);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  it('restarts a child that exits 2 after it has run', async () => {
    const base = newRun();
    const run = start(base, [
      await child(base, 'store', { args: ['--exit-after', '400', '--exit-code', '2'] }),
    ]);
    await firstRestart(run.dir);
    run.ac.abort();
    await run.done;
  });

  it('kills a child that ignores SIGTERM after the stop timeout', async () => {
    const base = newRun();
    const run = start(base, [await child(base, 'stubborn', { args: ['--ignore-term'] })], {
      stopTimeoutMs: 300,
    });
    const up = await allIn(run.dir, 'running');
    run.ac.abort();
    await run.done;
    expect(seq(run, 'stop', 'exit')).toEqual(['stop stubborn']);
    expect(() => process.kill(up.components[0].pid!, 0)).toThrow();
    expect(run.log.lines.some((l) => l.includes('did not stop in time; killing it'))).toBe(true);
  });

  it('kills a child that never answers within the start timeout and starts it again', async () => {
    const base = newRun();
    const run = start(base, [await child(base, 'hung', { args: ['--healthy-after', '600000'] })], {
      startTimeoutMs: 400,
    });
    await waitFor(
      'a second start',
      async () => (notes(run).filter((n) => n.what === 'start').length >= 2 ? true : undefined),
      8000,
    );
    const starts = notes(run).filter((n) => n.what === 'start');
    expect(starts[0].pid).not.toBe(starts[1].pid);
    expect(() => process.kill(starts[0].pid, 0)).toThrow();
    expect(starts[1].restarts).toBe('1');
    expect(run.log.lines.some((l) => l.includes('hung') && l.includes('killing it to start it again'))).toBe(
      true,
    );
  });

  it('resolves at once when aborted before starting, leaving no up.json', async () => {
    const base = newRun();
    const ac = new AbortController();
    ac.abort();
    await supervise({
      cli: FIXTURE,
      children: [await child(base, 'store')],
      dataDir: base.dir,
      log: memoryLogger(),
      signal: ac.signal,
      output: () => {},
    });
    expect(notes(base)).toEqual([]);
    expect(existsSync(upStatePath(base.dir))).toBe(false);
  });
});
