/** Each component alone on stdin/stdout, wired with Unix pipes as a user would. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const lp = `'${process.execPath}' '${CLI}'`;

function sh(script: string): { code: number | null; stderr: string } {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

async function count(dataDir: string, q: string): Promise<number> {
  const r = await runCli(['query', q, '--data-dir', dataDir, '--format', 'ndjson', '--limit', '100000']);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).length;
}

describe('pipe mode', () => {
  it('generate | parse | store', async () => {
    const d = join(tempDir(), 'data');
    const r = sh(
      `${lp} generate --count 1000 --format json --seed 7 | ${lp} parse | ${lp} store --data-dir '${d}' --quiet`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await count(d, '*')).toBe(1000);
    expect(await count(d, 'format:json')).toBe(1000);
  });

  it('collect | parse | store, and a second run stores nothing twice', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    mkdirSync(join(dir, 'logs'));
    const lines = [
      '127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8"',
      '127.0.0.1 - - [10/Oct/2026:13:55:37 +0000] "GET /b HTTP/1.1" 503 10 "-" "curl/8"',
      'this line is no format at all',
    ];
    writeFileSync(join(dir, 'logs', 'a.log'), `${lines.join('\n')}\n`);
    const pipeline = `${lp} collect --once --path '${dir}/logs/*.log' --data-dir '${d}' | ${lp} parse | ${lp} store --data-dir '${d}' --quiet`;
    expect(sh(pipeline)).toEqual({ code: 0, stderr: '' });
    expect(await count(d, '*')).toBe(3);
    expect(await count(d, 'status>=500')).toBe(1);
    expect(await count(d, 'format:unknown')).toBe(1);
    // The collector's checkpoint moved on; the same lines re-sent would be skipped by the store anyway.
    expect(sh(pipeline)).toEqual({ code: 0, stderr: '' });
    expect(await count(d, '*')).toBe(3);
  });

  it('store takes plain log lines too, keeping what it cannot parse', async () => {
    const d = join(tempDir(), 'data');
    const r = await runCli(['store', '--data-dir', d, '--quiet'], {
      input: '{"level":"error","msg":"boom","service":"api"}\nnot a known format\n',
    });
    expect(r.code).toBe(0);
    expect(await count(d, 'level:error service:api')).toBe(1);
    expect(await count(d, 'format:unknown')).toBe(1);
  });
});

describe('store --import and --stats', () => {
  it('imports files with a summary, stores nothing twice on a second import, and describes the store', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    const file = join(dir, 'access.log');
    const lines = Array.from(
      { length: 500 },
      (_, i) =>
        `10.0.0.${i % 250} - - [10/Oct/2026:13:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} +0000] "GET /p/${i} HTTP/1.1" ${i % 50 === 0 ? 500 : 200} ${100 + i} "-" "curl/8"`,
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    let r = await runCli(['store', '--data-dir', d, '--import', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /stored 500 events \(0 duplicates skipped, [\d.]+ KB from 1 file\(s\)\) in [\d.]+ s, \d+ events\/s/,
    );
    r = await runCli(['store', '--data-dir', d, '--import', file]);
    expect(r.stderr).toMatch(/stored 0 events \(500 duplicates skipped/);
    expect(await count(d, 'status>=500')).toBe(10);

    const stats = await runCli(['store', '--data-dir', d, '--stats']);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/^rows\s+500 \(0 not yet sealed\)$/m);
    expect(stats.stdout).toMatch(/^partitions\s+1$/m);
    expect(stats.stdout).toMatch(/^segments\s+0 \(unsealed files: appended batches/m);
    expect(stats.stdout).toMatch(/^oldest\s+2026-10-10T13:00:00.000000Z$/m);
  });

  it('names a file it cannot import', async () => {
    const r = await runCli(['store', '--data-dir', join(tempDir(), 'd'), '--import', '/nonexistent/x.log']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('logpipe: cannot import /nonexistent/x.log: no such file\n');
  });
});

describe('user patterns from the config', () => {
  it('parses lines with a grok pattern named in parse.patterns', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    const cfg = join(dir, 'logpipe.yaml');
    writeFileSync(
      cfg,
      [
        `data_dir: ${d}`,
        'parse:',
        '  timezone: "+02:00"',
        '  grok_patterns: { ORDERID: "ord-[0-9]{6}" }',
        '  patterns:',
        '    - name: shop',
        "      grok: '%{TIMESTAMP_ISO8601:timestamp} %{LOGLEVEL:level} %{ORDERID:order} %{NUMBER:cents:int} %{GREEDYDATA:message}'",
        '',
      ].join('\n'),
    );
    const r = await runCli(['store', '--config', cfg, '--quiet'], {
      input: '2026-03-01 10:00:00 ERROR ord-123456 4599 card declined\n',
    });
    expect(r.stderr).toBe('');
    const q = await runCli(['query', 'format:shop', '--data-dir', d, '--format', 'ndjson']);
    const row = JSON.parse(q.stdout) as Record<string, unknown>;
    expect(row).toMatchObject({
      ts: '2026-03-01T08:00:00.000000Z',
      level: 'error',
      message: 'card declined',
      fields: { order: 'ord-123456', cents: 4599 },
    });
  });

  it('names a bad pattern in the config', async () => {
    const dir = tempDir();
    const cfg = join(dir, 'logpipe.yaml');
    writeFileSync(
      cfg,
      `data_dir: ${join(dir, 'd')}\nparse:\n  patterns:\n    - name: bad\n      grok: '%{NOSUCH:x}'\n`,
    );
    const r = await runCli(['store', '--config', cfg, '--quiet'], { input: 'x\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^logpipe: config parse\.patterns\[0\]\.grok: .*NOSUCH/);
  });
});
