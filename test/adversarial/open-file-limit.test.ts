/**
 * Issue #27, "Faults end cleanly", open files: with more matching files than the process may
 * open (2,000 files under `ulimit -n 1024`) the collector hit EMFILE, read about half the lines,
 * and `--once` still exited 0. Now it holds a bounded number of files open, reads every file in
 * turn, and `--once` exits non-zero naming whatever it could not read; an unreadable directory
 * in a glob is warned about once.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import { CLI, tempDir } from '../helpers/cli.js';

/**
 * Runs `logpipe collect --once …` under `ulimit -n <fds>` (and, as root, without root's file
 * access); with `forSecs`, `logpipe collect` without --once, stopped by SIGTERM after that long.
 */
function collectOnce(
  args: string[],
  fds: number,
  opts: { asUser?: boolean; forSecs?: number } = {},
): {
  code: number | null;
  events: RawEvent[];
  stderr: string;
} {
  const cmd0 = [process.execPath, CLI, 'collect', ...(opts.forSecs ? [] : ['--once']), ...args];
  const quoted = cmd0.map((a) => `'${a}'`).join(' ');
  const script = `ulimit -n ${fds}; exec ${opts.forSecs ? `timeout -s TERM ${opts.forSecs} ` : ''}${quoted}`;
  // Root reads any directory; dropping the capabilities that allow it makes chmod 000 count.
  const cmd =
    opts.asUser && process.getuid?.() === 0
      ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', 'bash', '-c', script]
      : ['bash', '-c', script];
  const r = spawnSync(cmd[0], cmd.slice(1), {
    encoding: 'utf8',
    timeout: 50_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const lines = (r.stdout ?? '').split('\n').filter(Boolean);
  return { code: r.status, events: lines.slice(1).map((l) => JSON.parse(l) as RawEvent), stderr: r.stderr };
}

function writeFiles(dir: string, files: number, lines: number): string[] {
  mkdirSync(dir, { recursive: true });
  const expected: string[] = [];
  for (let f = 0; f < files; f++) {
    const name = join(dir, `f${String(f).padStart(4, '0')}.log`);
    const text: string[] = [];
    for (let l = 0; l < lines; l++) text.push(`file ${f} line ${l}`);
    writeFileSync(name, `${text.join('\n')}\n`);
    expected.push(...text);
  }
  return expected;
}

const canDropRoot = process.getuid?.() !== 0 || existsSync('/usr/bin/setpriv');

describe('open files are bounded and --once says what it could not read (issue #27)', () => {
  it('reads every line of 600 files under ulimit -n 256 and exits 0', () => {
    const dir = tempDir();
    const expected = writeFiles(join(dir, 'logs'), 600, 20);
    const r = collectOnce(['--path', `${dir}/logs/*.log`, '--data-dir', join(dir, 'data')], 256);
    const got = r.events.map((e) => e.line).sort();
    expect({ code: r.code, missing: expected.length - new Set(got).size }, r.stderr).toEqual({
      code: 0,
      missing: 0,
    });
    expect(got).toEqual(expected.sort());
  });

  it.runIf(canDropRoot)(
    'names an unreadable directory and file, warns once, exits non-zero, and reads all the rest',
    () => {
      const dir = tempDir();
      const expected = writeFiles(join(dir, 'logs', 'ok'), 100, 5);
      writeFiles(join(dir, 'logs', 'locked'), 3, 5);
      writeFileSync(join(dir, 'logs', 'ok', 'secret.log'), 'hidden\n');
      chmodSync(join(dir, 'logs', 'locked'), 0o000);
      chmodSync(join(dir, 'logs', 'ok', 'secret.log'), 0o000);
      try {
        const r = collectOnce(
          ['--path', `${dir}/logs/*/*.log`, '--data-dir', join(dir, 'data'), '--poll-interval', '50'],
          256,
          { asUser: true },
        );
        expect(r.events.map((e) => e.line).sort()).toEqual(expected.sort());
        expect(r.code, r.stderr).not.toBe(0);
        const locked = join(dir, 'logs', 'locked');
        const warned = r.stderr.split('\n').filter((l) => l.includes(locked) && /warning/.test(l));
        expect(warned, r.stderr).toHaveLength(1);
        // The final error names both what could not be read.
        const last = r.stderr.trim().split('\n').slice(-3).join('\n');
        expect(last).toContain(locked);
        expect(last).toContain(join(dir, 'logs', 'ok', 'secret.log'));
        // Following the files, polling every 50 ms for 1.5 s: still one warning for each.
        const follow = collectOnce(
          ['--path', `${dir}/logs/*/*.log`, '--data-dir', join(dir, 'data2'), '--poll-interval', '50'],
          256,
          { asUser: true, forSecs: 1.5 },
        );
        expect(
          follow.stderr.split('\n').filter((l) => l.includes(locked)),
          follow.stderr,
        ).toHaveLength(1);
        expect(follow.events).toHaveLength(expected.length);
      } finally {
        chmodSync(join(dir, 'logs', 'locked'), 0o755);
      }
    },
  );
});
