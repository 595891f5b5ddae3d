/**
 * The CLI behaves like the Unix tools around it: a query may start with `-` (negation) without
 * `--`, a reader that goes away ends a command quietly, and progress says nothing of generating
 * when nothing generates.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveDashQueries } from '../../src/cli/dash-queries.js';
import { register as query } from '../../src/cli/query.js';
import { progressLine } from '../../src/cli/run.js';
import { register as tail } from '../../src/cli/tail.js';
import type { PipelineStats } from '../../src/pipeline/run.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

function program(): Command {
  const p = new Command('logpipe').option('--verbose');
  query(p);
  tail(p);
  return p;
}

const argv = (...args: string[]) => ['node', 'logpipe', ...args];

describe('queries that start with -', () => {
  const p = program();
  const move = (...args: string[]) => moveDashQueries(argv(...args), p, ['query', 'tail']).slice(2);

  it('moves a negated term behind --', () => {
    expect(move('query', '-path:/blog/*')).toEqual(['query', '--', '-path:/blog/*']);
    expect(move('query', '-status:200 | count')).toEqual(['query', '--', '-status:200 | count']);
    expect(move('tail', '-level:debug', '-f', 'ndjson')).toEqual([
      'tail',
      '-f',
      'ndjson',
      '--',
      '-level:debug',
    ]);
    expect(move('query', '-host')).toEqual(['query', '--', '-host']);
  });

  it('leaves options and their values alone', () => {
    expect(move('query', '-n', '5', 'status>=500')).toEqual(['query', '-n', '5', 'status>=500']);
    expect(move('query', '-n5', '-d/tmp/x', 'a')).toEqual(['query', '-n5', '-d/tmp/x', 'a']);
    expect(move('query', '--since', '-5m')).toEqual(['query', '--since', '-5m']);
    expect(move('query', '--verbose', '-h')).toEqual(['query', '--verbose', '-h']);
    expect(move('--verbose', 'query', '-s', '1h', '-status:200')).toEqual([
      '--verbose',
      'query',
      '-s',
      '1h',
      '--',
      '-status:200',
    ]);
    expect(move('generate', '-path:/x')).toEqual(['generate', '-path:/x']);
    expect(move('query', '--', '-x:1')).toEqual(['query', '--', '-x:1']);
  });
});

describe('progress line', () => {
  const stats = (generated: number, collected: number, stored: number) =>
    ({ generated, collected, writer: { stored, queued: 0 } }) as unknown as PipelineStats;

  it('speaks of generating only when something generates', () => {
    const line = progressLine(stats(0, 50, 40), stats(0, 0, 0), 5, 0);
    expect(line).not.toContain('generated');
    expect(line).toContain('collected 50 (10/s)');
    expect(progressLine(stats(100, 50, 40), stats(0, 0, 0), 5, 1)).toMatch(/^generated 100 \(20\/s\)/);
  });
});

describe('the CLI on a store', () => {
  let dir: string;
  let data: string;

  beforeAll(async () => {
    dir = tempDir('logpipe-unix-');
    data = join(dir, 'data');
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const path = i % 3 === 0 ? `/blog/post-${i}` : `/api/v1/items/${i}`;
      const status = i % 10 === 0 ? 500 : 200;
      const sec = String(i % 60).padStart(2, '0');
      const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
      lines.push(
        `10.0.0.${i % 250} - - [02/Mar/2026:10:${min}:${sec} +0000] "GET ${path} HTTP/1.1" ${status} ${100 + i} "-" "curl/8.5.0"`,
      );
    }
    writeFileSync(join(dir, 'access.log'), `${lines.join('\n')}\n`);
    const r = await runCli(['store', '-d', data, '--import', join(dir, 'access.log'), '--no-server', '-q']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers a query that starts with a negation', async () => {
    const r = await runCli(['query', '-path:/blog/*', '-d', data, '-f', 'ndjson', '-n', '5000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows).toHaveLength(2000);
    const counted = await runCli(['query', '-status:200 | count', '-d', data, '-f', 'json']);
    expect(counted.stderr).toBe('');
    expect(JSON.parse(counted.stdout)).toEqual([{ count: 300 }]);
  }, 60_000);

  it('exits quietly when the reader closes the pipe', async () => {
    const r = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
      const child = spawn(
        'sh',
        ['-c', `"${process.execPath}" "${CLI}" query '*' --limit 3000 -d "${data}" | head -1`],
        {
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
      });
      child.on('close', (code) => done({ code, out, err }));
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter(Boolean)).toHaveLength(1);
  }, 60_000);
});
