/**
 * Issue #27, section 6 "Values at the edges": values at and past the limits of what logpipe can
 * hold are kept exactly or refused plainly, never turned into something else.
 * - Times: logpipe keeps epoch µs a JavaScript number holds exactly (1684-07-28T00:12:25.259009Z
 *   to 2255-06-05T23:47:34.740991Z). `9999-12-31T23:59:59.999999Z` was stored as year 10000 and
 *   `{"ts":1e300}` as 1970; a time outside is now not understood: the event gets the read time,
 *   `fields.ts_out_of_range`, and keeps the original (its field, and `raw`).
 * - Epoch units: a ms epoch of 253402300799999 (9999-12-31) was read as µs (1978).
 * - Numbers from people: `--limit 1e20` printed a raw INT128 error; every numeric flag, API
 *   parameter and query argument is checked with one line naming it and its range.
 * - Lag: a collector whose store stopped acknowledging reported 0 B while its file grew 16 MB.
 * - A checksum error in the catalog database was reported as "in use by another process".
 */
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { memoryLogger } from '../../src/core/log.js';
import { formatMicros } from '../../src/core/time.js';
import { createParser } from '../../src/parser/index.js';
import { epochToMicros, parseEpochText } from '../../src/parser/timestamps/index.js';
import { createApp } from '../../src/server/app.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { storePath } from '../../src/storage/index.js';
import { runCli, tailConfig, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { killAll, startLogpipe } from '../helpers/processes.js';
import { answer, closeReceivers, receiver } from '../helpers/receiver.js';
import { waitFor } from '../helpers/wait.js';

const READ_AT_MS = Date.UTC(2026, 10, 27, 12, 0, 0);
/** The range logpipe keeps, in epoch µs (core/civil-time.ts), spelt out here on purpose. */
const MAX_MICROS = Number.MAX_SAFE_INTEGER;
const MIN_MICROS = -Number.MAX_SAFE_INTEGER;
const inTimeRange = (us: number): boolean => us >= MIN_MICROS && us <= MAX_MICROS;
const LAST_US = '2255-06-05T23:47:34.740991Z';
const FIRST_US = '1684-07-28T00:12:25.259009Z';

/** Parses lines as read at READ_AT_MS. */
function parse(lines: string[]): LogEvent[] {
  const p = createParser();
  return p(
    lines.map((line, i) => ({ source: 'edge', generation: 'g', offset: i, line, received_at: READ_AT_MS })),
  );
}

/** A time not understood: the read time, flagged, the line kept. */
function expectNotUnderstood(e: LogEvent, line: string): void {
  expect(e.ts).toBe(READ_AT_MS * 1000);
  expect(e.fields.ts_out_of_range).toBe(true);
  expect(e.raw).toBe(line);
}

describe('times at the edges are kept exactly or not understood, never another time', () => {
  const inside = [
    `{"ts":"${LAST_US}","msg":"last"}`,
    `{"ts":"${FIRST_US}","msg":"first"}`,
    `<165>1 ${LAST_US} host app - - - last in syslog`,
  ];
  const outside = [
    '{"ts":"9999-12-31T23:59:59.999999Z","msg":"end of 9999"}',
    '{"ts":"2255-06-05T23:47:34.740992Z","msg":"one past the last"}',
    '{"ts":"1684-07-28T00:12:25.259008Z","msg":"one before the first"}',
    '<165>1 9999-12-31T23:59:59.999999Z host app - - - end of 9999 in syslog',
    '2255-06-05 23:47:34,740992 ERROR [main] a.b.C - past the last in log4j',
    '127.0.0.1 - - [31/Dec/9999:23:59:59 +0000] "GET / HTTP/1.1" 200 1 "-" "x"',
  ];

  it('in the parser: the edges exactly, past them the read time with the flag', () => {
    const ev = parse([...inside, ...outside]);
    expect(ev.slice(0, 3).map((e) => e.ts)).toEqual([MAX_MICROS, MIN_MICROS, MAX_MICROS]);
    expect(formatMicros(ev[0].ts)).toBe(LAST_US);
    expect(formatMicros(ev[1].ts)).toBe(FIRST_US);
    for (const e of ev.slice(0, 3)) expect(e.fields.ts_out_of_range).toBeUndefined();
    for (const [i, line] of outside.entries()) expectNotUnderstood(ev[3 + i], line);
    // JSON keeps the time it could not use in its field; the rest of each line is still read.
    expect(ev[3].fields.ts).toBe('9999-12-31T23:59:59.999999Z');
    expect(ev[3].message).toBe('end of 9999');
    expect(ev.slice(6).map((e) => e.format)).toEqual(['syslog_rfc5424', 'log4j', 'apache_combined']);
    expect(ev[8].fields.status).toBe(200);
  });

  it('stored and queried back: the edges to the µs, the rest flagged with their lines intact', async () => {
    const dir = tempDir();
    const lines = [...inside, ...outside];
    const before = Date.now();
    const stored = await runCli(['store', '-d', dir], { input: `${lines.join('\n')}\n` });
    expect(stored.code).toBe(0);
    const after = Date.now();
    const q = await runCli(['query', '-d', dir, '--limit', '100', '--format', 'ndjson']);
    expect(q.code).toBe(0);
    const rows = q.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ts: string; raw: string; fields: Record<string, unknown> | null });
    const byRaw = new Map(rows.map((r) => [r.raw, r]));
    expect(byRaw.size).toBe(lines.length);
    expect(byRaw.get(inside[0])!.ts).toBe(LAST_US);
    expect(byRaw.get(inside[1])!.ts).toBe(FIRST_US);
    expect(byRaw.get(inside[2])!.ts).toBe(LAST_US);
    for (const line of outside) {
      const r = byRaw.get(line)!;
      const us = Date.parse(r.ts) * 1000;
      expect(us).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1e6);
      expect(us).toBeLessThanOrEqual(after * 1000);
      expect(r.fields?.ts_out_of_range).toBe(true);
    }
    // No row holds a time past the range, as year 10000 once was.
    expect(rows.map((r) => r.ts).filter((ts) => !/^\d{4}-/.test(ts))).toEqual([]);
  });
});

describe('a numeric time out of range is not understood, not clamped or wrapped', () => {
  const lines = [
    '{"ts":1e300,"msg":"far"}',
    '{"ts":1.7976931348623157e308,"msg":"largest double"}',
    '{"ts":1e21,"msg":"past 9999 in ns"}',
    '{"ts":"1000000000000000000000","msg":"digits past 9999 in ns"}',
  ];

  it('in the parser', () => {
    const ev = parse(lines);
    for (const [i, line] of lines.entries()) expectNotUnderstood(ev[i], line);
    expect(ev[0].fields.ts).toBe(1e300);
    expect(ev[3].fields.ts).toBe('1000000000000000000000');
  });

  it('stored and queried back, the number kept in its field', async () => {
    const dir = tempDir();
    const before = Date.now();
    expect((await runCli(['store', '-d', dir], { input: `${lines[0]}\n` })).code).toBe(0);
    const q = await runCli(['query', '-d', dir, '--format', 'ndjson']);
    const row = JSON.parse(q.stdout.trim()) as { ts: string; fields: Record<string, unknown> };
    expect(row.ts.startsWith('1970')).toBe(false);
    expect(Date.parse(row.ts)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(row.fields).toEqual({ ts: 1e300, ts_out_of_range: true, ts_source: 'received' });
  });
});

describe('the epoch unit is guessed from ranges that cover every date to 9999 in each unit', () => {
  const S_9999 = 253402300799; // 9999-12-31T23:59:59Z in seconds

  it('reads the last instant of 9999 in its own unit (out of range), never as 1978', () => {
    const cases: [string, number][] = [
      ['s', epochToMicros(S_9999)],
      ['ms', epochToMicros(253402300799999)],
      ['µs', epochToMicros(S_9999 * 1e6)],
      ['µs text', parseEpochText('253402300799999999')],
      // A JSON number this long is rounded by JSON.parse to exactly 10000-01-01 in µs.
      ['µs as a JSON number', epochToMicros(JSON.parse('253402300799999999') as number)],
      ['ns text', parseEpochText('253402300799999999999')],
    ];
    for (const [unit, us] of cases) {
      expect(inTimeRange(us), unit).toBe(false);
    }
    const ev = parse(['{"ts":253402300799999,"msg":"ms of 9999"}', '{"t":"253402300799","msg":"s of 9999"}']);
    expectNotUnderstood(ev[0], '{"ts":253402300799999,"msg":"ms of 9999"}');
    expectNotUnderstood(ev[1], '{"t":"253402300799","msg":"s of 9999"}');
    expect(ev[0].fields.ts).toBe(253402300799999);
  });

  it('reads every date logpipe keeps from 1978-01-12 exactly, in s, ms, µs and ns', () => {
    const from = Date.UTC(1978, 0, 12) / 1000;
    const to = Math.floor(MAX_MICROS / 1e6);
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 999_999 }), (s, frac) => {
        const us = s * 1e6 + frac;
        if (us > MAX_MICROS) return;
        const ms = Math.floor(us / 1000);
        expect(epochToMicros(s)).toBe(s * 1e6);
        expect(parseEpochText(String(s))).toBe(s * 1e6);
        expect(epochToMicros(ms)).toBe(ms * 1000);
        expect(parseEpochText(String(ms))).toBe(ms * 1000);
        expect(epochToMicros(us)).toBe(us);
        expect(parseEpochText(String(us))).toBe(us);
        expect(parseEpochText(`${us}000`)).toBe(us);
        expect(parseEpochText(`${us}499`)).toBe(us);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('numeric flags, API parameters and query arguments are checked with their range', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    const r = await runCli(['store', '-d', dataDir], { input: '{"ts":"2026-11-27T12:00:00Z","msg":"x"}\n' });
    expect(r.code).toBe(0);
  });

  /** Runs `logpipe query -d dataDir ...args`: exit 2, one line naming `name` and `range`. */
  async function refused(args: string[], name: string, range: RegExp): Promise<void> {
    const r = await runCli(['query', '-d', dataDir, ...args]);
    expect(r.code, r.stderr).toBe(2);
    const first = r.stderr.split('\n')[0];
    expect(first).toContain(name);
    expect(first).toMatch(range);
    expect(r.stderr).not.toMatch(/INT128|int64|Binder Error|Conversion Error|verbose/);
  }

  const WHOLE = /1 to 9007199254740991/;
  const TIMES = /1684-07-28T00:12:25\.259009Z to 2255-06-05T23:47:34\.740991Z/;

  it('--limit 1e20 and its kin: one line naming --limit and its range', async () => {
    await refused(['--limit', '1e20'], '--limit', WHOLE);
    await refused(['--limit', '99999999999999999999'], '--limit', WHOLE);
    await refused(['--limit', '0'], '--limit', WHOLE);
    const ok = await runCli(['query', '-d', dataDir, '--limit', '9007199254740991', '--format', 'ndjson']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('--since, --from and --to: times out of range name the flag and the range', async () => {
    await refused(['--since', '99999999999999999999w'], '--since', TIMES);
    await refused(['--since', '9999-12-31T23:59:59.999999Z'], '--since', TIMES);
    await refused(['--from', '1000-01-01'], '--from', TIMES);
    await refused(['--to', '9999-12-31'], '--to', TIMES);
  });

  it('| limit, | top, timechart intervals and ts: values name their range', async () => {
    await refused(['* | limit 1e20'], 'limit', /0 to 9007199254740991/);
    await refused(['* | limit 99999999999999999999'], 'limit', /0 to 9007199254740991/);
    await refused(['* | top 1e20 level'], 'top', /0 to 9007199254740991/);
    await refused(['* | timechart 99999999999d count'], 'interval', /1us to 36500d/);
    await refused(['ts>9999-12-31T23:59:59.999999Z'], '9999-12-31', TIMES);
  });

  it('port flags name their range', async () => {
    const r = await runCli(['store', '-d', tempDir(), '--serve', '--port', '99999']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/--port .*0 to 65535/);
  });

  it('the HTTP API answers 400 naming the parameter and its range', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    try {
      const app = createApp({ store });
      const cases: [string, string, RegExp][] = [
        ['limit=1e20', 'limit', WHOLE],
        ['limit=99999999999999999999', 'limit', WHOLE],
        ['since=99999999999999999999w', 'since', TIMES],
        ['from=9999-12-31T23:59:59.999999Z', 'from', TIMES],
        ['to=1000-01-01', 'to', TIMES],
      ];
      for (const [param, name, range] of cases) {
        const res = await app.request(`/api/query?q=*&${param}`);
        expect(res.status, param).toBe(400);
        const body = (await res.json()) as { error: { message: string } };
        expect(body.error.message.startsWith(name), body.error.message).toBe(true);
        expect(body.error.message).toMatch(range);
      }
      const fields = await app.request('/api/fields?sample=1e20');
      expect(fields.status).toBe(400);
    } finally {
      await store.close();
    }
  });
});

describe('the collector lag counts what is not stored while the store is stopped', () => {
  afterEach(async () => {
    killAll();
    await closeReceivers();
  });

  it('grows with the file while nothing is acknowledged, in /status and /metrics', async () => {
    const { dir, config } = tailConfig('*.log', { poll: '50ms' });
    mkdirSync(join(dir, 'logs'));
    const file = join(dir, 'logs', 'app.log');
    writeFileSync(file, 'first line\n');
    // A store that answers what it holds (nothing) and never answers a batch: stopped.
    const store = await receiver((req, res) => {
      if (req.url.startsWith('/api/committed')) answer(res, 200, { positions: [] });
    });
    const port = await freePort();
    startLogpipe(['collect', '--config', config, '--to', store.url, '--metrics-port', String(port)]);
    const ops = `http://127.0.0.1:${port}`;
    await waitFor('the first batch sent', async () =>
      store.got.some((r) => r.url.startsWith('/api/ingest')) ? true : undefined,
    );
    const lag = async (): Promise<number> => {
      const s = (await (await fetch(`${ops}/status`)).json()) as { components: { lag_bytes?: number }[] };
      return s.components[0].lag_bytes ?? -1;
    };
    const line = `${'x'.repeat(99)}\n`;
    const chunk = line.repeat(40_000); // 4 MB
    let seen = 0;
    for (let i = 0; i < 4; i++) {
      appendFileSync(file, chunk);
      const size = statSync(file).size;
      // Nothing was acknowledged: the whole file is lag, read or not.
      seen = await waitFor(
        `lag of ${size} B`,
        async () => {
          const v = await lag();
          return v === size ? v : undefined;
        },
        15_000,
      );
    }
    expect(seen).toBeGreaterThanOrEqual(16_000_000);
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    const m = /^logpipe_lag_bytes\{component="collector"\} (\d+)$/m.exec(metrics);
    expect(Number(m?.[1])).toBe(statSync(file).size);
  });
});

describe('a damaged catalog database is reported as damaged, not as in use', () => {
  /** A store with a few rows, closed; returns its data dir. */
  async function storeWithRows(): Promise<string> {
    const dataDir = tempDir();
    const r = await runCli(['store', '-d', dataDir], {
      input: '{"ts":"2026-11-27T12:00:00Z","msg":"a"}\n{"ts":"2026-11-27T12:00:01Z","msg":"b"}\n',
    });
    expect(r.code).toBe(0);
    return dataDir;
  }

  /** Flips bytes in every block after the headers, so each block read fails its checksum. */
  function corrupt(path: string): void {
    const b = readFileSync(path);
    for (let off = 12_288 + 64; off < b.length; off += 4096) b[off] ^= 0xff;
    writeFileSync(path, b);
  }

  /**
   * Opens the damaged store as a reader, then as its owner, and reads its rows back: the catalog
   * is an index of the data files (issue #27 §3), so damage to it is named as damage, the file set
   * aside, and the rows served from the files.
   */
  async function reopenAndCount(path: string): Promise<{ warnings: string[]; counts: number[] }> {
    const warnings: string[] = [];
    const counts: number[] = [];
    const log = memoryLogger();
    for (const readOnly of [true, false]) {
      const s = await openDuckDbStore({ path, readOnly, log });
      try {
        const r = await s.query({ sql: 'SELECT count(*) AS n FROM logs', params: [] });
        counts.push(Number(r.rows[0].n));
      } finally {
        await s.close();
      }
    }
    warnings.push(...log.lines);
    return { warnings, counts };
  }

  it('a checksum error: named as damage with the file, never as in use, and the rows still served', async () => {
    const dataDir = await storeWithRows();
    const path = storePath(dataDir);
    corrupt(path);
    const q = await runCli(['query', '-d', dataDir, '--format', 'ndjson']);
    expect(q.stderr).not.toContain('in use by another process');
    expect(q.code).toBe(0);
    expect(q.stdout.trim().split('\n')).toHaveLength(2);
    const { warnings, counts } = await reopenAndCount(path);
    expect(counts).toEqual([2, 2]);
    const said = warnings.join('\n');
    expect(said).toContain(path);
    expect(said).toMatch(/cannot be read/);
    expect(said).toMatch(/quarantine/);
    expect(said).not.toContain('in use by another process');
  });

  it('a truncated database file: named as damage, never as in use, and the rows still served', async () => {
    const dataDir = await storeWithRows();
    const path = storePath(dataDir);
    const b = readFileSync(path);
    writeFileSync(path, b.subarray(0, Math.max(13_000, Math.floor(b.length / 2))));
    const { warnings, counts } = await reopenAndCount(path);
    expect(counts).toEqual([2, 2]);
    expect(warnings.join('\n')).toContain(path);
    expect(warnings.join('\n')).not.toContain('in use by another process');
  });
});

afterAll(async () => {
  killAll();
  await closeReceivers();
});
