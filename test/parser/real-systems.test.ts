/**
 * The parser on real-shaped lines of many systems (bench/corpus/real-systems.ts), through the
 * normal detection path as `logpipe store --import` runs it: one parser, one source per system,
 * the format auto-detected, every line read at the system's reference time.
 *
 * Per system: the level right on at least 98 % of the lines that carry one, the time right on at
 * least 98 % of the lines that carry one, no time made up for lines that carry none (they keep
 * the read time), and no level read into more than 2 % of the lines that name none. A table of
 * the figures is printed.
 */
import { describe, expect, it } from 'vitest';
import { REAL_SYSTEMS, type RealSystem, writeSystemLines } from '../../bench/corpus/real-systems.js';
import type { LogEvent, RawEvent } from '../../src/core/events.js';
import { createParser } from '../../src/parser/index.js';

const GOAL = 0.98;

interface Score {
  name: string;
  lines: number;
  levelTotal: number;
  levelRight: number;
  timeTotal: number;
  timeRight: number;
  madeUp: number;
  levelInvented: number;
  misses: string[];
}

function parseSystem(system: RealSystem, lines = system.lines): LogEvent[] {
  const parse = createParser();
  const raws: RawEvent[] = lines.map((l, i) => ({
    source: `/var/log/${system.name}.log`,
    generation: 'g',
    offset: i,
    line: l.line,
    received_at: system.referenceMs,
  }));
  // Batches as the importer makes them: the detector carries over between them.
  const out: LogEvent[] = [];
  for (let i = 0; i < raws.length; i += 16) out.push(...parse(raws.slice(i, i + 16)));
  return out;
}

function score(system: RealSystem, lines = system.lines): Score {
  const events = parseSystem(system, lines);
  const s: Score = {
    name: system.name,
    lines: lines.length,
    levelTotal: 0,
    levelRight: 0,
    timeTotal: 0,
    timeRight: 0,
    madeUp: 0,
    levelInvented: 0,
    misses: [],
  };
  lines.forEach((l, i) => {
    const e = events[i];
    const why: string[] = [];
    if (l.level !== null) {
      s.levelTotal++;
      if (e.level === l.level) s.levelRight++;
      else why.push(`level ${e.level} (want ${l.level})`);
    } else if (e.level !== 'unknown') {
      s.levelInvented++;
      why.push(`level ${e.level} (the line carries none)`);
    }
    if (l.tsMs !== null) {
      s.timeTotal++;
      if (Math.floor(e.ts / 1000) === l.tsMs) s.timeRight++;
      else why.push(`time ${new Date(e.ts / 1000).toISOString()} (want ${new Date(l.tsMs).toISOString()})`);
    } else if (e.ts !== system.referenceMs * 1000) {
      s.madeUp++;
      why.push(`time ${new Date(e.ts / 1000).toISOString()} (the line carries none)`);
    }
    if (why.length > 0) s.misses.push(`${why.join(', ')} [${e.format}]: ${l.line.slice(0, 160)}`);
  });
  return s;
}

const pct = (a: number, b: number): string =>
  b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`;

describe('the parser on real systems', () => {
  const scores = REAL_SYSTEMS.map((s) => score(s));

  it('prints the figures per system', () => {
    const rows = scores.map(
      (s) =>
        `${s.name.padEnd(20)} ${String(s.lines).padStart(5)}  level ${pct(s.levelRight, s.levelTotal)} of ${String(s.levelTotal).padStart(3)}  time ${pct(s.timeRight, s.timeTotal)} of ${String(s.timeTotal).padStart(3)}`,
    );
    console.log(`system                lines  level right            time right\n${rows.join('\n')}`);
    expect(scores.length).toBeGreaterThanOrEqual(20);
  });

  for (const s of scores) {
    it(`${s.name}: level and time right on at least 98 % of the lines that carry them`, () => {
      expect(s.lines).toBeGreaterThanOrEqual(30);
      const level = s.levelTotal === 0 ? 1 : s.levelRight / s.levelTotal;
      const time = s.timeTotal === 0 ? 1 : s.timeRight / s.timeTotal;
      const report = s.misses.slice(0, 8).join('\n');
      expect(level, report).toBeGreaterThanOrEqual(GOAL);
      expect(time, report).toBeGreaterThanOrEqual(GOAL);
      expect(s.madeUp, report).toBe(0);
      // A line that names no level gets none (a word of its message is not read as one).
      expect(s.levelInvented, report).toBeLessThanOrEqual(Math.floor((s.lines - s.levelTotal) * (1 - GOAL)));
    });
  }

  it('reads the four lines of the report, format auto-detected', () => {
    const cases: [string, string, string][] = [
      [
        '- 1131566461 2005.11.09 R21-M0-N6-C:J12-U01 2005-11-09-12.01.01.415321 R21-M0-N6-C:J12-U01 RAS KERNEL FATAL machine check interrupt',
        'fatal',
        '2005-11-09T20:01:01.415Z',
      ],
      [
        '2016-09-28 04:30:31, Warning               CBS    Failed to load servicing stack',
        'warn',
        '2016-09-28T04:30:31.000Z',
      ],
      [
        '[10.30 16:49:06] chrome.exe - proxy.example.org:5070 open through proxy proxy.example.org:5070 HTTPS',
        'unknown',
        '2016-10-30T16:49:06.000Z',
      ],
      [
        '20180102-9:4:7:88|Step_Counter|40012345|flushTempCache steps=512',
        'unknown',
        '2018-01-02T09:04:07.088Z',
      ],
    ];
    const parse = createParser();
    const readAt = Date.UTC(2018, 1, 1);
    const out = parse(
      cases.map(([line], i) => ({ source: `f${i}`, generation: 'g', offset: 0, line, received_at: readAt })),
    );
    expect(out.map((e) => [e.level, new Date(Math.floor(e.ts / 1000)).toISOString()])).toEqual(
      cases.map(([, level, iso]) => [level, iso.replace('2016-10-30', '2017-10-30')]),
    );
  });

  it('holds on lines spread over months, read after the last of them', () => {
    const fromMs = Date.UTC(2026, 4, 1);
    const toMs = Date.UTC(2026, 10, 26);
    for (const system of REAL_SYSTEMS) {
      const lines = writeSystemLines(system.name, 300, { fromMs, toMs, seed: 7 });
      const s = score({ ...system, referenceMs: toMs + 3_600_000 }, lines);
      const report = `${system.name}\n${s.misses.slice(0, 5).join('\n')}`;
      if (s.levelTotal > 0) expect(s.levelRight / s.levelTotal, report).toBeGreaterThanOrEqual(GOAL);
      if (s.timeTotal > 0) expect(s.timeRight / s.timeTotal, report).toBeGreaterThanOrEqual(GOAL);
    }
  });
});
