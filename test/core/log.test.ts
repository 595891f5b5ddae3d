import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { componentLogger, memoryLogger, stderrLogger } from '../../src/core/log.js';
import { tempDir } from '../helpers/cli.js';

const dirs: string[] = [];

afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir('logpipe-log-');
  dirs.push(d);
  return d;
}

/** Captures what is written to stderr while `fn` runs. */
function stderrOf(fn: () => void): string {
  const out: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

function jsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('componentLogger', () => {
  it('appends JSON lines with ts, level, component, pid and msg to <dir>/<component>.log', () => {
    const logs = join(dir(), 'logs');
    const log = componentLogger(logs, 'parser');
    const err = stderrOf(() => {
      log.info('listening on 127.0.0.1:7281');
      log.warn('store busy; retrying');
      log.error('cannot reach "store"\nat all');
    });
    const lines = jsonLines(join(logs, 'parser.log'));
    expect(lines.map((l) => [l.level, l.component, l.pid, l.msg])).toEqual([
      ['info', 'parser', process.pid, 'listening on 127.0.0.1:7281'],
      ['warn', 'parser', process.pid, 'store busy; retrying'],
      ['error', 'parser', process.pid, 'cannot reach "store"\nat all'],
    ]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['ts', 'level', 'component', 'pid', 'msg']);
      expect(l.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    // Readable lines on stderr as well.
    expect(err).toBe(
      'logpipe: listening on 127.0.0.1:7281\n' +
        'logpipe: warning: store busy; retrying\n' +
        'logpipe: error: cannot reach "store"\nat all\n',
    );
  });

  it('appends to the log a previous run left', () => {
    const d = dir();
    stderrOf(() => componentLogger(d, 'store').info('first run'));
    stderrOf(() => componentLogger(d, 'store').info('second run'));
    expect(jsonLines(join(d, 'store.log')).map((l) => l.msg)).toEqual(['first run', 'second run']);
  });

  it('keeps info out of stderr when quiet, but not out of the file', () => {
    const d = dir();
    const log = componentLogger(d, 'collector', { quiet: true });
    const err = stderrOf(() => {
      log.info('tailing 3 files');
      log.warn('lagging');
    });
    expect(err).toBe('logpipe: warning: lagging\n');
    expect(jsonLines(join(d, 'collector.log')).map((l) => l.level)).toEqual(['info', 'warn']);
  });

  it('moves the log to .log.1 once it passes 10 MiB, and starts a new one', () => {
    const d = dir();
    const log = componentLogger(d, 'store');
    const big = 'x'.repeat(1024 * 1024);
    stderrOf(() => {
      for (let i = 0; i < 10; i++) log.warn(`${i} ${big}`);
      log.warn('after');
    });
    const old = jsonLines(join(d, 'store.log.1'));
    expect(old.map((l) => String(l.msg).split(' ')[0])).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(jsonLines(join(d, 'store.log')).map((l) => l.msg)).toEqual(['after']);
  });

  it('does not throw when the log cannot be written, and still reports on stderr', () => {
    const d = dir();
    // The log directory is a file.
    const notADir = join(d, 'logs');
    writeFileSync(notADir, 'x');
    const log = componentLogger(notADir, 'store');
    let err = '';
    expect(() => {
      err = stderrOf(() => {
        log.info('one');
        log.error('two');
      });
    }).not.toThrow();
    expect(err).toBe('logpipe: one\nlogpipe: error: two\n');
    expect(readFileSync(notADir, 'utf8')).toBe('x');
    expect(existsSync(join(d, 'store.log'))).toBe(false);
  });
});

describe('stderrLogger and memoryLogger', () => {
  it('writes prefixed lines to stderr, dropping info when quiet', () => {
    expect(stderrOf(() => stderrLogger().info('hello'))).toBe('logpipe: hello\n');
    expect(stderrOf(() => stderrLogger({ quiet: true }).info('hello'))).toBe('');
    expect(stderrOf(() => stderrLogger({ quiet: true }).error('bad'))).toBe('logpipe: error: bad\n');
  });

  it('keeps messages in memory with their level', () => {
    const log = memoryLogger();
    log.info('a');
    log.warn('b');
    log.error('c');
    expect(log.lines).toEqual(['info a', 'warn b', 'error c']);
  });
});
