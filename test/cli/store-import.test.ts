/**
 * `logpipe store --import` on what a user's history holds: gzip rotations (whole, damaged, or
 * text named .gz), binary files among the logs, text that is not ASCII, and stack traces.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

interface Row {
  level: string;
  format: string;
  offset: number;
  raw: string;
  source: string;
  generation: string;
}

async function rows(dataDir: string, where = 'true'): Promise<Row[]> {
  const r = await runCli([
    'query',
    '--data-dir',
    dataDir,
    '--format',
    'ndjson',
    '--sql',
    `SELECT level, format, "offset", raw, source, generation FROM logs WHERE ${where} ORDER BY source, "offset"`,
  ]);
  expect(r.stderr).toBe('');
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
}

const appLines = (n: number, from = 0) =>
  Array.from(
    { length: n },
    (_, i) =>
      `2026-10-0${1 + ((from + i) % 5)} 12:${String((from + i) % 60).padStart(2, '0')}:00,000 INFO  [main] c.e.App - request ${from + i} done`,
  );

const JAVA = [
  '2026-11-27 12:00:00,000 INFO  [main] c.e.App - starting',
  '2026-11-27 12:00:01,000 ERROR [main] c.e.App - request failed',
  'java.lang.IllegalStateException: boom',
  '\tat com.example.App.handle(App.java:42)',
  '\tat com.example.App.main(App.java:10)',
  'Caused by: java.io.IOException: connection reset',
  '\tat com.example.Net.read(Net.java:7)',
  '\t... 2 more',
  '2026-11-27 12:00:02,000 WARN  [main] c.e.App - next',
];

const LOGBACK = [
  '2026-11-27 12:00:03.100 [http-nio-8080-exec-1] ERROR o.a.c.c.C.[.[.[/].[dispatcherServlet] - Servlet.service() threw exception',
  'java.lang.NullPointerException: null',
  '    at com.example.web.Controller.get(Controller.java:31)',
  '    at java.base/java.lang.Thread.run(Thread.java:833)',
  '2026-11-27 12:00:04.000 [main] INFO  com.example.App - still serving',
];

const PYTHON = [
  '2026-11-27 12:00:00,000 INFO app: starting',
  '2026-11-27 12:00:01,000 ERROR app: handler crashed',
  'Traceback (most recent call last):',
  '  File "/srv/app/handler.py", line 12, in handle',
  '    result = compute(x)',
  '  File "/srv/app/calc.py", line 3, in compute',
  '    return 1 / x',
  'ZeroDivisionError: division by zero',
  '2026-11-27 12:00:02,000 INFO app: next',
];

describe('store --import of gzip files', () => {
  it('decompresses a .gz rotation: the same events, identity and offsets as the text it was made of', async () => {
    const dir = tempDir();
    const text = `${appLines(3000).join('\n')}\n`;
    writeFileSync(join(dir, 'app.log.1'), text);
    writeFileSync(join(dir, 'app.log.2.gz'), gzipSync(text));
    const d = join(dir, 'data');
    const r = await runCli(['store', '-d', d, '--import', join(dir, 'app.log.1'), join(dir, 'app.log.2.gz')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /app\.log\.2\.gz: 3,000 lines, 3,000 events: 3,000 stored, 0 already held; [\d.]+ KB gzip, [\d.]+ KB of text, 2026-10-01T12:00:00Z \.\. 2026-10-05T12:59:00Z/,
    );
    const got = await rows(d);
    expect(got).toHaveLength(6000);
    const plain = got.filter((e) => e.source.endsWith('app.log.1'));
    const gz = got.filter((e) => e.source.endsWith('app.log.2.gz'));
    expect(gz.map((e) => [e.offset, e.raw, e.generation])).toEqual(
      plain.map((e) => [e.offset, e.raw, e.generation]),
    );
    expect(got.every((e) => e.format !== 'unknown' && e.level === 'info')).toBe(true);
    // Imported again: nothing twice.
    const again = await runCli(['store', '-d', d, '--import', join(dir, 'app.log.2.gz')]);
    expect(again.stderr).toMatch(/stored 0 events \(3000 duplicates skipped/);
    expect(again.stderr).toMatch(/app\.log\.2\.gz: 3,000 lines, 3,000 events: 0 stored, 3,000 already held/);
  });

  it('keeps the whole lines before damage in a truncated .gz, names the file, and a repaired file adds the rest', async () => {
    const dir = tempDir();
    const text = `${appLines(20000).join('\n')}\n`;
    const whole = gzipSync(text);
    const cut = join(dir, 'cut.log.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(join(dir, 'ok.log'), `${appLines(10, 50000).join('\n')}\n`);
    const d = join(dir, 'data');
    let r = await runCli(['store', '-d', d, '--import', cut, join(dir, 'ok.log')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /cut\.log\.gz: [\d,]+ lines.*; damaged gzip data after [\d.]+ KB of text \(unexpected end of file\)/,
    );
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `logpipe: error: damaged gzip data in ${cut} (unexpected end of file); the whole lines before the damage were stored`,
    );
    const first = await rows(d, `source = '${cut}'`);
    expect(first.length).toBeGreaterThan(100);
    expect(first.length).toBeLessThan(20000);
    // Every stored line is whole: one of the file's lines at its own offset.
    const byOffset = new Map<number, string>();
    let at = 0;
    for (const line of text.split('\n')) {
      byOffset.set(at, line);
      at += Buffer.byteLength(line) + 1;
    }
    for (const e of first) expect(e.raw).toBe(byOffset.get(e.offset));
    expect(await rows(d, `source LIKE '%ok.log'`)).toHaveLength(10);

    writeFileSync(cut, whole); // repaired: the rest is added, nothing twice
    r = await runCli(['store', '-d', d, '--import', cut]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`stored ${20000 - first.length} events \\(${first.length} duplicates skipped`),
    );
    expect(await rows(d, `source = '${cut}'`)).toHaveLength(20000);
  });

  it('reads a file named .gz that is really text as text, and a corrupt one as damaged', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain.gz'), `${appLines(5).join('\n')}\n`);
    const bad = Buffer.from(gzipSync(`${appLines(5).join('\n')}\n`));
    bad.fill(0x55, 10, 30); // deflate data garbled right after the header
    writeFileSync(join(dir, 'bad.log.gz'), bad);
    const d = join(dir, 'data');
    const r = await runCli(['store', '-d', d, '--import', join(dir, 'plain.gz'), join(dir, 'bad.log.gz')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plain\.gz: 5 lines, 5 events: 5 stored, 0 already held; \d+ B,/);
    expect(r.stderr).toMatch(
      /logpipe: error: damaged gzip data in \S+bad\.log\.gz \([^)]+\); the whole lines/,
    );
    expect(await rows(d, `source LIKE '%plain.gz'`)).toHaveLength(5);
    expect(await rows(d, `source LIKE '%bad.log.gz'`)).toHaveLength(0);
  });
});

describe('store --import of binary and non-ASCII files', () => {
  it('skips an executable with a warning naming it, and stores UTF-8 and Latin-1 text', async () => {
    const dir = tempDir();
    const exe = join(dir, 'node-head.bin');
    writeFileSync(exe, readFileSync(process.execPath).subarray(0, 200_000));
    const utf8 = join(dir, 'utf8.log');
    const utf8Lines = Array.from(
      { length: 300 },
      (_, i) =>
        `2026-10-01 12:00:${String(i % 60).padStart(2, '0')},000 INFO Ünïcödé ✓ 日本語のログ ${i} — ñandú`,
    );
    writeFileSync(utf8, `${utf8Lines.join('\n')}\n`);
    const latin1 = join(dir, 'latin1.log');
    writeFileSync(
      latin1,
      Buffer.from(
        '2026-10-01 12:00:00,000 INFO café crème brûlée à la carte\n2026-10-01 12:00:01,000 WARN déjà vu\n',
        'latin1',
      ),
    );
    const d = join(dir, 'data');
    const r = await runCli(['store', '-d', d, '--import', exe, utf8, latin1]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `logpipe: warning: ${exe}: skipped, not text (a NUL byte in its first line)\n`,
    );
    expect(r.stderr).toMatch(/stored 302 events .* 1 file\(s\) skipped as not text/);
    expect(await rows(d, `source = '${exe}'`)).toHaveLength(0);
    const u = await rows(d, `source = '${utf8}'`);
    expect(u.map((e) => e.raw)).toEqual(utf8Lines);
    const l = await rows(d, `source = '${latin1}'`);
    expect(l.map((e) => e.raw)).toEqual([
      '2026-10-01 12:00:00,000 INFO caf\uFFFD cr\uFFFDme br\uFFFDl\uFFFDe \uFFFD la carte',
      '2026-10-01 12:00:01,000 WARN d\uFFFDj\uFFFD vu',
    ]);
  });
});

describe('store --import of multi-line events', () => {
  it('joins Java (log4j, logback) and Python traces into the event before them, keeping its level', async () => {
    const dir = tempDir();
    const java = join(dir, 'java.log');
    const logback = join(dir, 'logback.log');
    const py = join(dir, 'py.log');
    writeFileSync(java, `${JAVA.join('\n')}\n`);
    writeFileSync(logback, `${LOGBACK.join('\n')}\n`);
    writeFileSync(py, `${PYTHON.join('\n')}\n`);
    const d = join(dir, 'data');
    const r = await runCli(['store', '-d', d, '--import', java, logback, py]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/java\.log: 9 lines, 3 events \(multi-line events joined\): 3 stored/);

    const j = await rows(d, `source = '${java}'`);
    expect(j.map((e) => e.raw)).toEqual([JAVA[0], JAVA.slice(1, 8).join('\n'), JAVA[8]]);
    expect(j.map((e) => e.level)).toEqual(['info', 'error', 'warn']);
    expect(j.map((e) => e.offset)).toEqual([0, JAVA[0].length + 1, JAVA.slice(0, 8).join('\n').length + 1]);

    const lb = await rows(d, `source = '${logback}'`);
    expect(lb.map((e) => e.raw)).toEqual([LOGBACK.slice(0, 4).join('\n'), LOGBACK[4]]);
    expect(lb[0].level).toBe('error');

    const p = await rows(d, `source = '${py}'`);
    expect(p.map((e) => e.raw)).toEqual([PYTHON[0], PYTHON.slice(1, 8).join('\n'), PYTHON[8]]);
    expect(p.map((e) => e.level)).toEqual(['info', 'error', 'info']);
  });

  it('--multiline off keeps one event a line; a start pattern joins on it; a bad pattern is named', async () => {
    const dir = tempDir();
    const java = join(dir, 'java.log');
    writeFileSync(java, `${JAVA.join('\n')}\n`);
    let r = await runCli(['store', '-d', join(dir, 'off'), '--import', java, '--multiline', 'off']);
    expect(r.code, r.stderr).toBe(0);
    expect(await rows(join(dir, 'off'))).toHaveLength(9);

    const custom = join(dir, 'custom.log');
    writeFileSync(custom, '>> one\nmore of one\n>> two\n  more of two\nand more\n');
    r = await runCli(['store', '-d', join(dir, 'pat'), '--import', custom, '--multiline', '^>> ']);
    expect(r.code, r.stderr).toBe(0);
    expect((await rows(join(dir, 'pat'))).map((e) => e.raw)).toEqual([
      '>> one\nmore of one',
      '>> two\n  more of two\nand more',
    ]);

    r = await runCli(['store', '-d', join(dir, 'bad'), '--import', java, '--multiline', '(unclosed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^logpipe: --multiline "\(unclosed": not a valid regular expression/);
  });

  it('prints one summary line per file and a total when stderr is not a terminal; -q prints nothing', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.log');
    writeFileSync(a, `${appLines(10).join('\n')}\n`);
    let r = await runCli(['store', '-d', join(dir, 'd1'), '--import', a]);
    const out = r.stderr.trim().split('\n');
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(
      /^logpipe: \S+a\.log: 10 lines, 10 events: 10 stored, 0 already held; 620 B, 2026-10-01T12:00:00Z \.\. 2026-10-05T12:09:00Z$/,
    );
    expect(out[1]).toMatch(
      /^logpipe: stored 10 events \(0 duplicates skipped, 620 B from 1 file\(s\)\) in [\d.]+ s, \d+ events\/s; 10 lines$/,
    );
    expect(r.stderr).not.toContain('\r');
    r = await runCli(['store', '-d', join(dir, 'd2'), '--import', a, '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
