import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import { createParser, PARSER_FORMATS } from '../../src/parser/index.js';

// A guard against catastrophic backtracking and quadratic scans: hostile lines of 100k characters
// must parse quickly in every format. The bound is loose on purpose so slow machines pass.
const N = 100_000;
const HOSTILE = [
  '"'.repeat(N),
  '['.repeat(N),
  ']'.repeat(N),
  '{'.repeat(N),
  `{"a":${'['.repeat(5000)}`,
  '\\"'.repeat(N / 2),
  '= '.repeat(N / 2),
  'a='.repeat(N / 2),
  'a=b '.repeat(N / 4),
  '1.2.3.4 - - ['.repeat(N / 13),
  `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET ${'\\"'.repeat(N / 2)}`,
  `<34>Oct 11 22:14:15 host ${'a['.repeat(N / 2)}`,
  `<1>1 2026-11-27T12:00:00Z h a - - ${'[x a="1"]'.repeat(N / 9)}`,
  `CEF:0|${'|'.repeat(N)}`,
  `CEF:0|a|b|c|d|e|f|${'k=v\\= '.repeat(N / 6)}`,
  `2026-11-27 12:00:00 ${'[main] '.repeat(N / 7)}`,
  `2026-11-27 12:00:00 INFO ${'a.b.'.repeat(N / 4)}`,
  `2026/11/27 12:00:00 [error] 1#1: ${', client: '.repeat(N / 10)}`,
  `[Wed Oct 11 14:32:52 2000] [error] ${'[pid 1] '.repeat(N / 8)}`,
  '2026-11-27T12:00:00Z '.repeat(N / 21),
  ` ${'x'.repeat(N)}`,
  '\u00e9\ud83d\ude80'.repeat(N / 3),
];

describe('hostile input', () => {
  it('parses 100k-character hostile lines quickly in every format', () => {
    const events: RawEvent[] = HOSTILE.map((line, i) => ({
      source: `h${i}`,
      generation: 'g',
      offset: 0,
      line,
      received_at: 0,
    }));
    const t0 = performance.now();
    for (const format of ['auto', ...PARSER_FORMATS]) {
      const out = createParser({ format })(events);
      for (let i = 0; i < out.length; i++) expect(out[i].raw).toBe(HOSTILE[i]);
    }
    // ~20 formats × ~22 lines × 100k chars: a linear scan takes well under a second.
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('a user grok pattern with GREEDYDATA stays usable on long lines', () => {
    const parse = createParser({
      format: 'mine',
      patterns: [{ name: 'mine', grok: '%{WORD:a} %{DATA:b} %{GREEDYDATA:message}' }],
    });
    const t0 = performance.now();
    const [e] = parse([
      { source: 's', generation: 'g', offset: 0, line: `w ${'x '.repeat(N / 2)}`, received_at: 0 },
    ]);
    expect(e.format).toBe('mine');
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
