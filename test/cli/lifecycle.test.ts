/**
 * Stopping, as a user stops logpipe: a Ctrl-C at the terminal (SIGINT to the whole process
 * group), a second one when the first takes too long, a SIGTERM by pid. The first signal stops
 * gracefully and says so, the second stops at once and says what happens next, and nothing is
 * lost either way; queries meanwhile are answered or refused with one clear answer; under
 * `logpipe up` the supervisor alone takes the terminal's signal and stops its components in
 * reverse order, saying how long each took.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tailConfig } from '../helpers/cli.js';
import { killAll, startLogpipe, upComponents } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const dataDirs: string[] = [];
const groups: ChildProcess[] = [];
afterEach(() => {
  for (const g of groups.splice(0)) {
    try {
      process.kill(-g.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
  killAll(dataDirs.splice(0));
});

/** `n` access lines, one a second from 2026-03-02 10:00:00 UTC, every tenth a 500. */
function accessLines(n: number): string {
  const out: string[] = [];
  const t0 = Date.UTC(2026, 2, 2, 10);
  for (let i = 0; i < n; i++) {
    const d = new Date(t0 + i * 1000);
    const stamp = `02/Mar/2026:${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} +0000`;
    out.push(
      `10.0.${(i >> 8) & 255}.${i & 255} - - [${stamp}] "GET /api/items/${i} HTTP/1.1" ${i % 10 === 0 ? 500 : 200} ${100 + (i % 900)} "-" "curl/8.5.0"`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Starts `logpipe ...args` as a terminal starts a foreground job: in a process group of its
 * own, which a Ctrl-C signals as a whole (`process.kill(-pid, 'SIGINT')`).
 */
function startInGroup(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
    detached: true,
  });
  groups.push(child);
  let out = '';
  const watchers: { re: RegExp; then: () => void }[] = [];
  const take = (b: Buffer) => {
    out += b.toString();
    for (const w of watchers.splice(0)) {
      if (w.re.test(out)) w.then();
      else watchers.push(w);
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  /** Runs `then` as soon as the output matches `re` (in the same tick as the bytes arrive). */
  const when = (re: RegExp, then: () => void) => {
    if (re.test(out)) then();
    else watchers.push({ re, then });
  };
  return { child, exited, output: () => out, ctrlC: () => process.kill(-child.pid!, 'SIGINT'), when };
}

async function count(dataDir: string): Promise<number> {
  const r = await runCli(['query', '* | count', '-d', dataDir, '-f', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return Number((JSON.parse(r.stdout) as { count: number }[])[0]?.count ?? 0);
}

/** GET on a new connection each time (as each `logpipe query` makes one). */
function getOnce(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Words a stop must never use of itself: it loses nothing and crashes nothing. */
const SCARY = /crash|unfinished|lost|corrupt/i;

describe('logpipe run stops', () => {
  it('gracefully on a first Ctrl-C, at once on a second, and the next run loses nothing', async () => {
    const lines = 200_000;
    const { dir, dataDir, config } = tailConfig('*.log', { extra: ['server: { port: 0 }'] });
    dataDirs.push(dataDir);
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'access.log'), accessLines(lines));

    const first = startInGroup(['run', '--config', config]);
    await waitFor(
      'the first events stored',
      async () => ((await count(dataDir)) > 0 ? true : undefined),
      90_000,
    );
    // The second Ctrl-C as soon as the first is announced: a graceful stop of a small run can
    // end within a poll interval, and a Ctrl-C after it would find nothing to stop now.
    first.when(/stopping: finishing/, () => first.ctrlC());
    first.ctrlC();
    expect(await first.exited, first.output()).toBe(130);
    expect(first.output()).toMatch(/stopping: finishing .*\(Ctrl-C again to stop now\)/);
    expect(first.output()).toMatch(/stopping now; unfinished work is recovered at the next start/);
    expect(first.output()).not.toMatch(/MaxListenersExceededWarning/);

    // The next run carries on, and every line is stored once.
    const second = startInGroup(['run', '--config', config]);
    await waitFor(
      'every line stored',
      async () => {
        const n = await count(dataDir);
        if (n !== lines) throw new Error(`${n} of ${lines} stored`);
        return true;
      },
      180_000,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}\nfirst run:\n${first.output().slice(-2000)}\nsecond run:\n${second.output().slice(-3000)}`,
      );
    });
    // Queries during the stop: answered, or refused with one clear answer; never cut off.
    // The API may still be starting when the last line is stored (the pipeline does not wait for it).
    const url = await waitFor('the API of the second run', async () => {
      try {
        return (JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { url: string }).url;
      } catch {
        return undefined;
      }
    });
    const ask = () => getOnce(`${url}/api/query?q=${encodeURIComponent('* | count')}`);
    expect((await ask()).status).toBe(200);
    const answers: string[] = [];
    let exited = false;
    const asking = (async () => {
      while (!exited) {
        try {
          const r = await ask();
          const body = JSON.parse(r.body) as { rows?: unknown[]; error?: { type: string; message: string } };
          answers.push(
            r.status === 200 && body.rows
              ? 'answered'
              : `${r.status} ${body.error?.type}: ${body.error?.message}`,
          );
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // Once the process closes its socket there is no one to connect to: refused, or reset
          // for a connection the kernel had queued but the process never took (checked below
          // to come only at the very end).
          answers.push(
            code === 'ECONNREFUSED' || code === 'ECONNRESET' ? 'gone' : `failed: ${(err as Error).message}`,
          );
        }
      }
    })();
    second.ctrlC();
    const code = await second.exited;
    exited = true;
    await asking;
    expect(code, second.output()).toBe(0);
    expect(second.output()).not.toMatch(/stopping now/);
    const kinds = new Set(answers);
    kinds.delete('answered');
    kinds.delete('gone');
    kinds.delete('503 stopping: logpipe is stopping');
    expect([...kinds]).toEqual([]);
    expect(answers.length).toBeGreaterThan(0);
    const gone = answers.indexOf('gone');
    if (gone >= 0) expect(answers.slice(gone).filter((a) => a !== 'gone')).toEqual([]);
    // The second run recovered what the first left, calmly.
    expect(second.output()).not.toMatch(SCARY);
    expect(await count(dataDir)).toBe(lines);
    const fives = await runCli(['query', 'status>=500 | count', '-d', dataDir, '-f', 'json']);
    expect(JSON.parse(fives.stdout)).toEqual([{ count: lines / 10 }]);
  }, 400_000);

  it('lets a query asked while it stops wait for it and answer from the store', async () => {
    const { dir, dataDir, config } = tailConfig('*.log', { extra: ['server: { port: 0 }'] });
    dataDirs.push(dataDir);
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'access.log'), accessLines(2000));
    const run = startInGroup(['run', '--config', config]);
    await waitFor(
      'every line stored',
      async () => ((await count(dataDir)) === 2000 ? true : undefined),
      120_000,
    );
    const asked: Promise<Awaited<ReturnType<typeof runCli>>>[] = [];
    run.child.kill('SIGTERM');
    let exited = false;
    void run.exited.then(() => {
      exited = true;
    });
    while (!exited && asked.length < 20) {
      asked.push(runCli(['query', '* | count', '-d', dataDir, '-f', 'json']));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await run.exited, run.output()).toBe(0);
    for (const r of await Promise.all(asked)) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([{ count: 2000 }]);
    }
  }, 200_000);
});

describe('logpipe up stops', () => {
  it('takes the terminal Ctrl-C alone and stops its components in reverse order', async () => {
    const lines = 3000;
    const { dir, dataDir, config } = tailConfig('*.log', { extra: ['server: { port: 0 }'] });
    dataDirs.push(dataDir);
    mkdirSync(join(dir, 'logs'));
    const up = startInGroup(['up', '--config', config, '--stop-timeout', '15s']);
    const running = await waitFor(
      'store, parser and collector running',
      async () => {
        const cs = upComponents(dataDir);
        return cs.length === 3 && cs.every((c) => c.state === 'running') ? cs : undefined;
      },
      90_000,
    );
    // A live tail over a few seconds: its abort listeners must not pile up in the store.
    const tail = startLogpipe(['tail', '-d', dataDir, '-f', 'ndjson']);
    writeFileSync(join(dir, 'logs', 'access.log'), accessLines(lines));
    await waitFor(
      'every line stored',
      async () => ((await count(dataDir)) === lines ? true : undefined),
      120_000,
    );
    await new Promise((r) => setTimeout(r, 1500));

    up.ctrlC();
    expect(await up.exited, up.output()).toBe(0);
    expect(await tail.exited).not.toBeNull();
    const out = up.output();
    // Each component was stopped by the supervisor (SIGTERM), none by the terminal's SIGINT.
    expect(out).toMatch(/\[store\] .*SIGTERM: closing the store/);
    expect(out).not.toMatch(/\[(store|parser|collector)\] .*SIGINT/);
    const stopped = [...out.matchAll(/stopped (store|parser|collector) \(pid \d+\) in \d+\.\d s/g)].map(
      (m) => m[1],
    );
    expect(stopped).toEqual(['collector', 'parser', 'store']);
    expect(out).not.toMatch(/MaxListenersExceededWarning/);
    expect(tail.output()).not.toMatch(/MaxListenersExceededWarning|other side closed/);
    // No orphans, and everything stored.
    for (const c of running) expect(() => process.kill(c.pid!, 0), `${c.name} still running`).toThrow();
    expect(await count(dataDir)).toBe(lines);
  }, 300_000);
});
