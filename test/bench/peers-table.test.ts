import { describe, expect, it } from 'vitest';
import type { Peers } from '../../bench/peers/locate.js';
import type { LnavQuestion } from '../../bench/peers/peer-output.js';
import { type Measured, type Run, rows } from '../../bench/peers/table.js';

const MiB = 1024 * 1024;
const PEERS: Peers = { corpus: '/c', rsyslogScript: '/r', lnavScript: '/l', dir: '/p' };
const ms = (a: number, b: number, c: number) =>
  new Map<LnavQuestion, number>([
    ['5xx', a],
    ['status', b],
    ['api', c],
  ]);

/** One run: logpipe at `rate` lines/s and rsyslog at `rs`, queries of `q` ms and lnav of 2 s. */
function run(rate: number, rs: number, q: number): Run {
  return {
    rsyslog: { lines: 1000, seconds: 1000 / rs, peakBytes: 40 * MiB },
    runRate: rate,
    runPeakBytes: 400 * MiB,
    runNote: '',
    importRate: rate / 2,
    lnav: {
      seconds: ms(2, 2, 2),
      answers: { fiveXx: 1, byStatus: new Map(), api: 1 },
    },
    queryMs: ms(q, q, q),
    servedQueryMs: ms(q / 2, q / 2, q / 2),
    answersAgree: 'answers agree',
    realImportRate: rate / 4,
    realRunRate: rate / 2,
    realRunNote: '',
  };
}

function measured(runs: Run[]): Measured {
  return {
    peers: PEERS,
    lines: 1000,
    real: { lines: 1000, bytes: 100_000, files: ['a', 'b'] },
    realDays: 181,
    realEvents: 1000,
    runs,
    storeBytes: 20_000,
    zstdBytes: 10_000,
    failures: [],
  };
}

const byName = (list: ReturnType<typeof rows>) => new Map(list.map((r) => [r.name, r]));

describe('the peers table', () => {
  it('gives the median of the per-run ratios, ratio rows first, with goals met or not', () => {
    // Run ratios 3, 2 and 2.6 (the machine drifted between runs): median 2.6.
    const t = rows(measured([run(300, 100, 500), run(100, 50, 400), run(260, 100, 1000)]));
    const firstAbsolute = t.findIndex((r) => r.unit !== '×');
    expect(t.slice(firstAbsolute).every((r) => r.unit !== '×')).toBe(true);
    const r = byName(t);
    const runRow = r.get('peers: logpipe run ÷ rsyslog, lines/s')!;
    expect(runRow.value).toBeCloseTo(2.6);
    expect(runRow.goal).toBe('>= 2.5 (met)');
    expect(runRow.note).toContain('2.00–3.00 over 3 runs');
    expect(r.get('peers: logpipe store --import ÷ rsyslog, lines/s')!.value).toBeCloseTo(1.3);
    expect(r.get('peers: logpipe store --import ÷ rsyslog, lines/s')!.goal).toBe('>= 2 (not met)');
    // lnav 2 s against 0.5, 0.4 and 1 s: 4, 5 and 2, median 4.
    expect(r.get('peers: lnav ÷ fresh logpipe query, 5xx')!.value).toBeCloseTo(4);
    expect(r.get('peers: lnav ÷ fresh logpipe query (pipeline running), api')!.value).toBeCloseTo(8);
    const mem = r.get('peers: logpipe run peak memory ÷ rsyslog')!;
    expect(mem.value).toBeCloseTo(10);
    expect(mem.goal).toBe('logpipe <= 200 MiB (not met)');
    expect(r.get('real-shaped ÷ synthetic: store --import lines/s')!.value).toBeCloseTo(0.5);
    expect(r.get('real-shaped ÷ synthetic: run lines/s')!.value).toBeCloseTo(0.5);
    expect(r.get('real-shaped: store bytes on disk ÷ zstd -19 of the text')!.value).toBe(2);
    expect(r.get('logpipe run (process start → all queryable)')!.value).toBe(260);
  });

  it('leaves a failed run out of the medians and says so', () => {
    const failed = { ...run(Number.NaN, 100, 500), rsyslog: undefined };
    const r = byName(rows(measured([run(300, 100, 500), failed, run(200, 100, 500)])));
    const runRow = r.get('peers: logpipe run ÷ rsyslog, lines/s')!;
    expect(runRow.value).toBeCloseTo(2.5);
    expect(runRow.note).toContain('over 2 of 3 runs');
  });

  it('has no peer rows without the peers, and still the real-shaped ratios', () => {
    const t = rows({ ...measured([run(300, 100, 500)]), peers: undefined });
    expect(
      t.some((r) => r.name.startsWith('peers:') || r.name.startsWith('rsyslog') || r.name.startsWith('lnav')),
    ).toBe(false);
    expect(byName(t).get('real-shaped ÷ synthetic: run lines/s')!.value).toBeCloseTo(0.5);
  });
});
