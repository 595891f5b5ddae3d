import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import { createParser, PARSER_FORMATS } from '../../src/parser/index.js';
import { findFormat } from '../../src/parser/registry.js';
import { UTC } from '../../src/parser/timestamps/index.js';
import { READ_AT } from './helpers.js';

/** One realistic line per format, and the format auto-detection must report for it. */
const SAMPLES: [string, string][] = [
  ['json', '{"ts":"2026-11-27T12:00:00Z","level":"info","msg":"started","service":"api"}'],
  [
    'apache_combined',
    '203.0.113.9 - - [27/Nov/2026:12:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
  ],
  ['apache_common', '203.0.113.9 - - [27/Nov/2026:12:00:00 +0000] "GET /index.html HTTP/1.1" 200 512'],
  [
    'apache_error',
    '[Fri Nov 27 12:00:00.123456 2026] [core:error] [pid 35708] [client 72.15.99.187:55002] AH00037: x',
  ],
  [
    'nginx_error',
    '2026/11/27 12:00:00 [error] 1234#5678: *90 open() "/x" failed, client: 10.0.0.1, server: localhost',
  ],
  ['syslog_rfc3164', "<34>Nov 27 11:14:15 mymachine su[123]: 'su root' failed"],
  ['syslog_rfc5424', '<165>1 2026-11-27T11:14:15.003Z mymachine evntslog - ID47 [ex@32473 iut="3"] event'],
  ['log4j', '2026-11-27 12:00:00,978 INFO [main] org.x.Y: msg'],
  ['python', '2026-11-27 12:00:00,123 - myapp.db - ERROR - connection lost'],
  ['go', '2026/11/27 12:00:00 server.go:87: listening on :8080'],
  ['klog', 'I1127 11:58:01.123456   12345 controller.go:123] Reconciled'],
  ['logcat', '11-27 11:00:00.123  1234  5678 I ActivityManager: Start proc'],
  ['cef', 'CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 dst=2.1.2.2'],
  ['app', '[2026-11-27T12:00:00.123Z] INFO [checkout] order placed'],
  ['logfmt', 'time=2026-11-27T12:00:00Z level=info msg="request done" status=200'],
  ['kv', '2026-11-27 12:00:00 WARN payment retry user=bob, amount=12.50'],
  ['generic', '2026-11-27 12:00:00 something happened'],
  ['unknown', 'just some words'],
];

const raw = (source: string, line: string): RawEvent => ({
  source,
  generation: 'g',
  offset: 0,
  line,
  received_at: READ_AT,
});

describe('auto-detection across the formats', () => {
  it('recognises each format on a fresh source', () => {
    const parse = createParser();
    const out = parse(SAMPLES.map(([, line], i) => raw(`s${i}`, line)));
    expect(out.map((e) => e.format)).toEqual(SAMPLES.map(([f]) => f));
  });

  it('recognises each line even inside one mixed source', () => {
    const parse = createParser();
    const out = parse(SAMPLES.map(([, line]) => raw('mixed', line)));
    expect(out.map((e) => e.format)).toEqual(SAMPLES.map(([f]) => f));
  });

  it('a CR left from CRLF input changes nothing but raw', () => {
    const parse = createParser();
    const plain = parse(SAMPLES.map(([, line], i) => raw(`p${i}`, line)));
    const crlf = parse(SAMPLES.map(([, line], i) => raw(`c${i}`, `${line}\r`)));
    for (let i = 0; i < SAMPLES.length; i++) {
      const { raw: r1, source: s1, ...a } = plain[i];
      const { raw: r2, source: s2, ...b } = crlf[i];
      if (a.format === 'unknown') b.message = b.message.replace(/\r$/, '');
      expect(b, SAMPLES[i][1]).toEqual(a);
      expect(r2).toBe(`${r1}\r`);
    }
  });

  it('every sample keeps its raw line and gets a finite time', () => {
    const out = createParser()(SAMPLES.map(([, line]) => raw('x', line)));
    for (let i = 0; i < out.length; i++) {
      expect(out[i].raw).toBe(SAMPLES[i][1]);
      expect(Number.isFinite(out[i].ts)).toBe(true);
    }
  });

  it('never throws and keeps the raw line for damaged samples, in every format', () => {
    const parsers = ['auto', ...PARSER_FORMATS].map((format) => createParser({ format }));
    // A sample cut, spliced with arbitrary text, or with a character swapped: near-misses are
    // where hand scanners go wrong.
    const damaged = fc
      .tuple(
        fc.constantFrom(...SAMPLES.map(([, l]) => l)),
        fc.nat(),
        fc.nat(),
        fc.string({ unit: 'binary', maxLength: 12 }),
      )
      .map(([line, a, b, junk]) => {
        const i = a % (line.length + 1);
        const j = Math.min(line.length, i + (b % 8));
        return line.slice(0, i) + junk + line.slice(j);
      });
    fc.assert(
      fc.property(damaged, (line) => {
        // The format parsers themselves must not throw (the batch parser would hide it).
        for (const id of PARSER_FORMATS) findFormat(id)?.parse(line, { zone: UTC, refMs: READ_AT });
        for (const parse of parsers) {
          const [e] = parse([raw('p', line)]);
          expect(e.raw).toBe(line);
          expect(Number.isFinite(e.ts)).toBe(true);
          expect(typeof e.message).toBe('string');
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('prose with key=value fragments', () => {
  it('is neither kv nor logfmt, and t=4 in it is not its time', () => {
    const parse = createParser();
    const lines = [
      'the loop ran with n=3 and then t=4 before it stopped',
      'Set x=1 and y=2 in the config file to enable it',
      'warning: expected a=b but found a=c instead',
    ];
    const out = parse(lines.map((l) => raw('prose', l)));
    for (const e of out) {
      expect(['kv', 'logfmt']).not.toContain(e.format);
      expect(e.ts).toBe(READ_AT * 1000);
      expect(e.fields.ts_source).toBe('received');
    }
  });

  it('does not stop real kv and logfmt lines from being detected after it', () => {
    const parse = createParser();
    const out = parse([
      raw('mixed', 'the loop ran with n=3 and then t=4 before it stopped'),
      raw('mixed', 'time=2026-11-27T12:00:00Z level=info msg="request done" status=200'),
      raw('mixed', '2026-11-27 12:00:00 WARN payment retry user=bob, amount=12.50'),
    ]);
    expect(out.map((e) => e.format)).toEqual(['unknown', 'logfmt', 'kv']);
  });
});
