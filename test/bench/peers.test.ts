import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { median, meets, ratiosPerRun, spread } from '../../bench/peers/figures.js';
import { locatePeers } from '../../bench/peers/locate.js';
import {
  lnavCount,
  lnavCountsBy,
  PeerOutputError,
  parseLnavTimes,
  parseRsyslogRun,
} from '../../bench/peers/peer-output.js';
import { writeRealShapedCorpus } from '../../bench/peers/real-corpus.js';

describe('peer output', () => {
  it('reads rsyslog/run.sh’s summary line', () => {
    expect(parseRsyslogRun('reached 1000000 lines in 9.125 s\n')).toEqual({
      lines: 1_000_000,
      seconds: 9.125,
    });
  });

  it('says what rsyslog/run.sh printed when it did not reach its count', () => {
    expect(() => parseRsyslogRun('TIMEOUT: 12 lines after 900.100 s\n')).toThrow(PeerOutputError);
    expect(() => parseRsyslogRun('DAEMON GONE (x): 0 lines after 5.2 s')).toThrow(/DAEMON GONE/);
    expect(() => parseRsyslogRun('')).toThrow(/no output/);
  });

  it('reads lnav.sh’s seconds per question', () => {
    const out = [
      '5xx         2.013 s  50065 ',
      'status      2.554 s        504  9973 ',
      'api        12.270 s  350112 ',
      '',
    ].join('\n');
    expect([...parseLnavTimes(out)]).toEqual([
      ['5xx', 2.013],
      ['status', 2.554],
      ['api', 12.27],
    ]);
  });

  it('names the question lnav.sh printed no time for', () => {
    expect(() => parseLnavTimes('5xx  1.000 s  3\napi  1.000 s  4\n')).toThrow(/status/);
  });

  it('reads lnav’s answers: a count, and counts by a column under a header', () => {
    expect(lnavCount('    n   \n 1034 \n')).toBe(1034);
    const table = 'sc_status   n   \n      200 14915 \n      304  1597 \n      504    71 \n';
    expect([...lnavCountsBy(table)]).toEqual([
      [200, 14915],
      [304, 1597],
      [504, 71],
    ]);
    expect(() => lnavCount('error: no such table: access_log\n')).toThrow(PeerOutputError);
  });
});

describe('figures', () => {
  it('takes the median of the runs that gave a number', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN, 1])).toBe(3);
    expect(median([Number.NaN])).toBeNaN();
    expect(median([])).toBeNaN();
  });

  it('takes ratios per run, the better side on top, and none for a failed run', () => {
    // lines/s: more is better
    expect(ratiosPerRun([300, 200], [100, 100], 'higher')).toEqual([3, 2]);
    // seconds: less is better
    expect(ratiosPerRun([0.5, 0.25], [2, 2], 'lower')).toEqual([4, 8]);
    const r = ratiosPerRun([300, Number.NaN, 0], [100, 100, 100], 'higher');
    expect(r[0]).toBe(3);
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeNaN();
  });

  it('gives the spread a median hides, and which runs failed', () => {
    expect(spread([1.4, 1.61, 1.5])).toBe('1.40–1.61 over 3 runs');
    expect(spread([2])).toBe('1 run');
    expect(spread([2, Number.NaN, 3])).toBe('2.00–3.00 over 2 of 3 runs');
    expect(spread([412_000.4, 398_000], 0)).toBe('398,000–412,000 over 2 runs');
  });

  it('checks a ratio against its goal', () => {
    expect(meets(2.6, { atLeast: 2.5 })).toBe(true);
    expect(meets(2.4, { atLeast: 2.5 })).toBe(false);
    expect(meets(0.8, { atMost: 1 })).toBe(true);
    expect(meets(Number.NaN, { atMost: 1 })).toBeUndefined();
  });
});

describe('locating the peers', () => {
  it('says what is missing instead of failing', () => {
    const r = locatePeers({
      LOGPIPE_PEERS: '/nonexistent/peers',
      LOGPIPE_PEERS_SCRIPTS: '/nonexistent/scripts',
    });
    expect(r).toEqual({ missing: 'no corpus at /nonexistent/peers/access.log' });
  });
});

describe('the real-shaped corpus', () => {
  it('writes exactly the lines asked for, one file per system, the same for the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peers-corpus-'));
    try {
      const o = { seed: 7, fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2025, 6, 1) };
      const a = await writeRealShapedCorpus(join(dir), 1003, o);
      const texts = a.files.map((f) => readFileSync(f, 'utf8'));
      const lines = texts.flatMap((t) => t.split('\n').slice(0, -1));
      expect(lines).toHaveLength(1003);
      expect(a.lines).toBe(1003);
      expect(a.bytes).toBe(texts.reduce((n, t) => n + Buffer.byteLength(t), 0));
      expect(a.files.length).toBeGreaterThanOrEqual(20);
      // months of times, stack traces, non-ASCII
      expect(texts.join('')).toMatch(/\n\tat /);
      expect(texts.join('')).toMatch(/[^\x00-\x7f]/);
      const b = await writeRealShapedCorpus(join(dir), 1003, o);
      expect(b.files.map((f) => readFileSync(f, 'utf8'))).toEqual(texts);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
