/**
 * Issue #27, §2 "Only logpipe's own components may speak its internal protocols": anyone on
 * loopback could POST raw events naming any source, generation and offset to the store's (or the
 * parser's) `/api/ingest`; one request claiming offset 10^12 for a tailed file made the store
 * skip the real lines that followed as duplicates (silent loss). Binary bodies (raw lines,
 * segment rows) were taken from anyone.
 *
 * Now `run` and `up` make a per-data-dir secret (`<data-dir>/secret`, mode 0600) that their links
 * send; without it those requests are refused (401, or 403 for a wrong one) and the real lines
 * that follow are all stored. A user's plain lines are still taken, with identities the store
 * gives them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import { encodeRawEvent, streamHeader } from '../../src/core/ndjson.js';
import { encodeRawLines, RAW_LINES_MEDIA_TYPE } from '../../src/core/raw-lines.js';
import {
  addEvents,
  eventRows,
  ROWS_MEDIA_TYPE,
  SEGMENT_ENCODING,
  serializeRows,
} from '../../src/storage/rows/index.js';
import { tailConfig } from '../helpers/cli.js';
import { killAll, startLogpipe, upComponents } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const dataDirs: string[] = [];
afterEach(() => killAll(dataDirs.splice(0)));

const LINK_HEADER = 'x-logpipe-link';

/** `n` numbered lines, as an application writes them. */
function lines(from: number, n: number): string {
  let text = '';
  for (let i = from; i < from + n; i++) text += `2026-10-10 13:55:36 INFO request ${i} served\n`;
  return text;
}

async function api(url: string, q: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${url}/api/query?${new URLSearchParams({ q, limit: '10' })}`);
  const body = (await res.json()) as { rows: Record<string, unknown>[] };
  if (!res.ok) throw new Error(`${q}: ${JSON.stringify(body)}`);
  return body.rows;
}

async function count(url: string, q = '*'): Promise<number> {
  const rows = await api(url, `${q} | count`);
  return Number(Object.values(rows[0] ?? { n: 0 })[0]);
}

/** Waits until the store holds `n` rows of the tailed file; fails saying how many it holds. */
async function stored(url: string, source: string, n: number, timeoutMs = 30_000): Promise<void> {
  let last = -1;
  try {
    await waitFor(
      `${n} lines of ${source} stored`,
      async () => ((last = await count(url, `source:"${source}"`)) === n ? n : undefined),
      timeoutMs,
    );
  } catch {
    throw new Error(`the store holds ${last} of the ${n} lines written to ${source}`);
  }
}

interface Attack {
  what: string;
  contentType: string;
  body: Uint8Array | string;
}

/** Every way of naming a tailed file's identity: the same forged event in each internal form. */
function attacks(source: string, generation: string): Attack[] {
  const forged: RawEvent = { source, generation, offset: 1e12, line: 'forged', received_at: Date.now() };
  const rows = eventRows(1);
  addEvents(rows, [
    {
      ts: Date.now() * 1000,
      level: 'info',
      service: null,
      host: null,
      source,
      generation,
      offset: 1e12,
      format: 'unknown',
      message: 'forged',
      fields: {},
      raw: 'forged',
    },
  ]);
  return [
    {
      what: 'raw-events stream',
      contentType: 'application/x-ndjson',
      body: `${streamHeader('raw-events')}\n${encodeRawEvent(forged)}\n`,
    },
    { what: 'raw-lines body', contentType: RAW_LINES_MEDIA_TYPE, body: encodeRawLines([forged]) },
    {
      what: 'segment-rows body',
      contentType: ROWS_MEDIA_TYPE,
      body: Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: 1, rows })),
    },
  ];
}

/**
 * Sends every attack to `url`, without the secret and with a wrong one; returns the answers,
 * checked once the real lines after them are (or are not) stored.
 */
async function attack(url: string, source: string, generation: string): Promise<Answered[]> {
  const out: Answered[] = [];
  for (const a of attacks(source, generation)) {
    for (const [secret, status] of [
      [undefined, 401],
      ['0'.repeat(64), 403],
    ] as const) {
      const res = await fetch(`${url}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': a.contentType, ...(secret ? { [LINK_HEADER]: secret } : {}) },
        body: a.body,
      });
      const answer = (await res.json()) as { error?: { message?: string } };
      out.push({
        what: `${a.what} to ${url} ${secret ? 'with a wrong secret' : 'without the secret'}`,
        status: res.status,
        want: status,
        message: answer.error?.message ?? JSON.stringify(answer),
      });
    }
  }
  return out;
}

interface Answered {
  what: string;
  status: number;
  want: number;
  message: string;
}

/** Each attack was refused with its status and a one-line message naming the link secret. */
function expectRefused(answers: Answered[]): void {
  for (const a of answers) {
    expect(a.status, `${a.what}: ${a.message}`).toBe(a.want);
    expect(a.message).toMatch(/link secret|own components/);
    expect(a.message).not.toContain('\n');
  }
}

/** The identity the store gave the tailed file's lines, as anyone can read it from the API. */
async function identityOf(url: string, source: string): Promise<string> {
  const sql = `SELECT DISTINCT generation FROM logs WHERE source = '${source}'`;
  const res = await fetch(`${url}/api/query?${new URLSearchParams({ sql })}`);
  const { rows } = (await res.json()) as { rows: { generation: string }[] };
  expect(rows).toHaveLength(1);
  return rows[0].generation;
}

/** The generation a user's plain line was stored under. */
async function generationOf(url: string, line: string): Promise<string> {
  const sql = `SELECT generation FROM logs WHERE raw = '${line}'`;
  const res = await fetch(`${url}/api/query?${new URLSearchParams({ sql })}`);
  const { rows } = (await res.json()) as { rows: { generation: string }[] };
  expect(rows).toHaveLength(1);
  return rows[0].generation;
}

/** The data dir's secret: there, 0600, and nowhere else in the data dir or on a command line. */
function expectSecretKept(dataDir: string, pids: number[]): void {
  const path = join(dataDir, 'secret');
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const secret = readFileSync(path, 'utf8').trim();
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  for (const f of walk(dataDir)) {
    if (f === path || f.endsWith('.duckdb') || f.endsWith('.parquet') || f.endsWith('.wal')) continue;
    expect(readFileSync(f, 'latin1').includes(secret), `${f} holds the secret`).toBe(false);
  }
  for (const pid of pids) {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    expect(cmdline.includes(secret), `pid ${pid}'s command line holds the secret`).toBe(false);
  }
}

describe('internal links need the data dir secret (issue #27 §2)', () => {
  it('logpipe run: a forged offset of 10^12 is refused, and the real lines after it are all stored', async () => {
    const { dir, dataDir, config } = tailConfig('*.log', { extra: ['server: { port: 0 }'] });
    dataDirs.push(dataDir);
    const file = join(dir, 'logs', 'app.log');
    await mkdir(join(dir, 'logs'), { recursive: true });
    await appendFile(file, lines(0, 200));
    const run = startLogpipe(['run', '--config', config]);
    const url = await waitFor('the API', async () => /API at (http:\/\/\S+)/.exec(run.output())?.[1]);
    await stored(url, file, 200);

    const generation = await identityOf(url, file);
    const answers = await attack(url, file, generation);

    // The real lines that follow the forged offset: every one stored, none skipped.
    await appendFile(file, lines(200, 1000));
    await stored(url, file, 1200);
    expect(await count(url, 'forged')).toBe(0);
    expectRefused(answers);

    // A user's plain lines are still taken, under an identity of the store's choosing.
    const res = await fetch(`${url}/api/ingest?source=${encodeURIComponent(file)}`, {
      method: 'POST',
      body: 'a plain line from a user\n',
    });
    expect(await res.json()).toEqual({ stored: 1, duplicates: 0 });
    expect(await generationOf(url, 'a plain line from a user')).not.toBe(generation);
    await appendFile(file, lines(1200, 10));
    await stored(url, file, 1211);

    expectSecretKept(dataDir, [run.child.pid!]);
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(0);
  }, 120_000);

  it('logpipe up: store and parser refuse forged identities; the components own links still deliver every line', async () => {
    const { dir, dataDir, config } = tailConfig('*.log', { extra: ['server: { port: 0 }'] });
    dataDirs.push(dataDir);
    const file = join(dir, 'logs', 'app.log');
    await mkdir(join(dir, 'logs'), { recursive: true });
    await appendFile(file, lines(0, 200));
    const up = startLogpipe(['up', '--config', config]);
    const cs = await waitFor(
      'store, parser and collector running',
      async () => {
        const c = upComponents(dataDir);
        return c.length === 3 && c.every((x) => x.state === 'running') ? c : undefined;
      },
      60_000,
    );
    const urlOf = (name: string) =>
      (
        JSON.parse(readFileSync(join(dataDir, 'up.json'), 'utf8')) as {
          components: { name: string; url: string }[];
        }
      ).components.find((c) => c.name === name)!.url;
    const store = urlOf('store');
    const parser = urlOf('parser');
    await stored(store, file, 200);

    const generation = await identityOf(store, file);
    const answers = [...(await attack(parser, file, generation)), ...(await attack(store, file, generation))];

    await appendFile(file, lines(200, 1000));
    await stored(store, file, 1200);
    expect(await count(store, 'forged')).toBe(0);
    expectRefused(answers);

    expectSecretKept(dataDir, [up.child.pid!, ...cs.map((c) => c.pid!)]);
    up.child.kill('SIGINT');
    expect(await up.exited, up.output()).toBe(0);
  }, 150_000);
});
