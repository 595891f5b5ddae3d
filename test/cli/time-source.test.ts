/**
 * Events without a time of their own, end to end: an import of old logs must not show up as
 * recent, the flag is stored and queryable, and `--explain` and `--stats` count such events.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const OLD = [
  '2016-09-28 04:30:31,123 ERROR [main] com.example.App - failed to load servicing stack',
  'java.lang.IllegalStateException: stack gone',
  '\tat com.example.App.main(App.java:12)',
  '2016-09-28 04:31:00,000 INFO [main] com.example.App - retrying',
];

describe('events without their own time', () => {
  it('on import take the previous line’s time, stay out of --since 1h, and are counted', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    const old = join(dir, 'old.log');
    writeFileSync(old, `${['a line before any time', ...OLD].join('\n')}\n`);
    // Lines not joined into the event before them (the default joins the stack trace: below).
    let r = await runCli(['store', '--data-dir', d, '--import', old, '--quiet', '--multiline', 'off']);
    expect(r.code).toBe(0);
    // Piped lines without a time carry the time they were read.
    r = await runCli(['store', '--data-dir', d, '--quiet'], { input: 'no time here\nnor here\n' });
    expect(r.code).toBe(0);

    // The last hour holds the two piped lines and the import's first line: read times, marked.
    r = await runCli(['query', '--data-dir', d, '--since', '1h', '--explain', '--no-color']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ts +level +message$/);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z\? /);
    expect(r.stderr).toMatch(
      /^own time: {3}events in range without their own time: 3 carry the time they were read \(ts_source:received\)$/m,
    );

    // The continuation lines sit at the time of the event before them, in 2016.
    r = await runCli(['query', '--data-dir', d, 'ts_source:previous', '--format', 'ndjson']);
    const inherited = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(inherited.map((e) => e.ts)).toEqual([
      '2016-09-28T04:30:31.123000Z',
      '2016-09-28T04:30:31.123000Z',
    ]);
    expect(inherited.map((e) => e.fields.ts_source)).toEqual(['previous', 'previous']);
    r = await runCli(['query', '--data-dir', d, 'ts_source:received | count']);
    expect(r.stdout).toMatch(/^\s*3\s*$/m);

    // A range of 2016 holds the inherited ones only.
    r = await runCli([
      'query',
      '--data-dir',
      d,
      '--from',
      '2016-09-28T00:00:00Z',
      '--to',
      '2016-09-29T00:00:00Z',
      '--explain',
    ]);
    expect(r.stderr).toMatch(/^own time: .* 2 the time of the event before them \(ts_source:previous\)$/m);
    expect(r.stderr).not.toMatch(/ts_source:received/);

    r = await runCli(['store', '--data-dir', d, '--stats']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^own time\s+3 carry their read time \(ts_source:received\), 2 the time of the event before them \(ts_source:previous\)$/m,
    );
  });

  it('on import take the time of an access line the store read itself', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    const file = join(dir, 'access.log');
    const access = (min: number) =>
      `10.0.0.1 - - [10/Oct/2016:13:${String(min).padStart(2, '0')}:00 +0000] "GET /p HTTP/1.1" 200 5 "-" "curl/8"`;
    writeFileSync(file, `${[access(1), access(2), access(3), 'a stray line', access(4)].join('\n')}\n`);
    let r = await runCli(['store', '--data-dir', d, '--import', file, '--quiet']);
    expect(r.code).toBe(0);
    r = await runCli(['query', '--data-dir', d, 'ts_source:*', '--format', 'ndjson']);
    const [stray] = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(stray).toMatchObject({
      raw: 'a stray line',
      ts: '2016-10-10T13:03:00.000000Z',
      fields: { ts_source: 'previous' },
    });
  });

  it('--stats and --explain say when every event has its own time', async () => {
    const d = join(tempDir(), 'data');
    let r = await runCli(['store', '--data-dir', d, '--quiet'], { input: `${OLD[0]}\n${OLD[3]}\n` });
    expect(r.code).toBe(0);
    r = await runCli(['store', '--data-dir', d, '--stats']);
    expect(r.stdout).toMatch(/^own time\s+every event has its own time$/m);
    r = await runCli(['query', '--data-dir', d, '--explain']);
    expect(r.stderr).toMatch(/^own time: {3}every event in range has its own time$/m);
  });
});

describe('a stack trace, imported by default', () => {
  it('is part of the event before it, at that event’s time', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    const old = join(dir, 'old.log');
    writeFileSync(old, `${OLD.join('\n')}\n`);
    const r = await runCli(['store', '--data-dir', d, '--import', old, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const q = await runCli(['query', '--data-dir', d, '--format', 'ndjson']);
    const events = q.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toHaveLength(2);
    const error = events.find((e) => e.level === 'error');
    expect(error.ts).toBe('2016-09-28T04:30:31.123000Z');
    expect(error.raw).toContain('\tat com.example.App.main(App.java:12)');
    expect(error.fields.ts_source).toBeUndefined();
  }, 60_000);
});

describe('a time without a year, imported', () => {
  it('is placed by the file’s last modification, never after it', async () => {
    const { utimesSync } = await import('node:fs');
    const dir = tempDir();
    const d = join(dir, 'data');
    const log = join(dir, 'messages');
    writeFileSync(
      log,
      [
        'Dec 31 23:59:10 combo sshd(pam_unix)[19939]: check pass; user unknown',
        'Jun 14 15:16:01 combo sshd(pam_unix)[19937]: authentication failure; logname= uid=0 euid=0',
        '',
      ].join('\n'),
    );
    const modified = Date.UTC(2005, 6, 1) / 1000;
    utimesSync(log, modified, modified);
    const r = await runCli(['store', '--data-dir', d, '--import', log, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const q = await runCli(['query', '--data-dir', d, '--format', 'ndjson']);
    const times = q.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).ts as string)
      .sort();
    // December cannot be after the file's last change in July 2005: it is December 2004.
    expect(times.map((t) => t.slice(0, 10))).toEqual(['2004-12-31', '2005-06-14']);
  }, 60_000);
});
