/**
 * Issue #27, "Faults end cleanly", pipe mode: `collect | parse | store` cut parsed events over
 * 1 MiB at the store's stdin reader (its line limit), storing garbage `unknown` rows and losing
 * the originals. An event up to the collector's line limit, with its NDJSON envelope and JSON's
 * escaping, must cross every pipe intact; a record over the readers' limit is an error naming
 * its line, not a stored row.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRawEvent, streamHeader } from '../../src/core/ndjson.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const lp = `'${process.execPath}' '${CLI}'`;

function sh(script: string): { code: number | null; stderr: string } {
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stderr: r.stderr };
}

/** The raw text of every stored event, in offset order. */
async function storedRaws(dataDir: string): Promise<Array<{ raw: string; format: string }>> {
  const r = await runCli([
    'query',
    '* | sort offset asc',
    '--data-dir',
    dataDir,
    '--format',
    'ndjson',
    '--limit',
    '100',
  ]);
  expect(r.stderr).toBe('');
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const e = JSON.parse(l) as { raw: string; format: string };
      return { raw: e.raw, format: e.format };
    });
}

describe('pipe mode carries large events intact (issue #27)', () => {
  it('a 3 MiB JSON line crosses collect | parse | store and is queried back byte for byte', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    const text = 'a "quoted" word, a \\ backslash, a tab\t and unicode é; '.repeat(56_000);
    const big = JSON.stringify({ level: 'warn', msg: text, service: 'big', n: 1 });
    expect(big.length).toBeGreaterThan(3 * 1024 * 1024);
    const small = JSON.stringify({ level: 'info', msg: 'after the big one', service: 'big' });
    writeFileSync(join(dir, 'app.log'), `${big}\n${small}\n`);
    const r = sh(
      `${lp} collect --once --max-line-bytes 4194304 --path '${dir}/app.log' --data-dir '${d}' | ${lp} parse | ${lp} store --data-dir '${d}' --quiet`,
    );
    expect(r).toEqual({ code: 0, stderr: '' });
    expect(await storedRaws(d)).toEqual([
      { raw: big, format: 'json' },
      { raw: small, format: 'json' },
    ]);
  });

  it('a line at the default limit that JSON escapes sixfold crosses the pipes with default limits', async () => {
    const dir = tempDir();
    const d = join(dir, 'data');
    // Control characters: each becomes `\u0001` (6 bytes) in the raw event, and again in the
    // parsed event's raw and message.
    const line = `ctl ${'\u0001'.repeat(1024 * 1024 - 4)}`;
    writeFileSync(join(dir, 'ctl.log'), `${line}\nplain after\n`);
    const r = sh(
      `${lp} collect --once --path '${dir}/ctl.log' --data-dir '${d}' | ${lp} parse | ${lp} store --data-dir '${d}' --quiet`,
    );
    expect(r).toEqual({ code: 0, stderr: '' });
    const stored = await storedRaws(d);
    expect(stored.map((e) => e.raw)).toEqual([line, 'plain after']);
  });

  it('a record over the NDJSON limit is an error naming its line, and nothing of it is stored', async () => {
    const d = join(tempDir(), 'data');
    const ev = (offset: number, line: string) =>
      encodeRawEvent({ source: 's', generation: 'g', offset, line, received_at: Date.now() });
    const input = [
      streamHeader('raw-events'),
      ev(0, 'first'),
      ev(10, 'x'.repeat(24 * 1024 * 1024)),
      ev(20, 'third'),
      '',
    ].join('\n');
    const r = await runCli(['store', '--data-dir', d, '--quiet'], { input });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/line 3\b/);
    expect((await storedRaws(d)).map((e) => e.raw)).toEqual(['first', 'third']);
  });
});
