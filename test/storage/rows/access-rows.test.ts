/**
 * Raw access lines written straight into segment rows give the very bytes that parsing them and
 * encoding the events give, for any line (canonical, odd, or not an access line at all), any
 * format setting, and detection that switches formats mid-stream.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newScanState, scanLines } from '../../../src/collector/line-scanner.js';
import { httpStamp } from '../../../src/core/access-line.js';
import type { RawEvent } from '../../../src/core/events.js';
import { blockEvents, type LineBlock, newLineBlock } from '../../../src/core/line-block.js';
import { createParser } from '../../../src/parser/index.js';
import { addAccessLine, addRawBlock, addRawEvents } from '../../../src/storage/rows/access-rows.js';
import { TABLE_COLUMNS } from '../../../src/storage/rows/columns.js';
import { addEvents, type EventRows, eventRows } from '../../../src/storage/rows/event-columns.js';
import { ACCESS_LINES } from '../../helpers/access-lines.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

/** Every column's bytes and numbers, and the rows' keys, in comparable form. */
function dump(r: EventRows): unknown {
  const n = r.columns.rows;
  return {
    rows: n,
    keys: r.keys,
    keyOf: [...r.keyOf.subarray(0, n)],
    columns: r.columns.columns.map((c, i) => {
      const name = TABLE_COLUMNS[i].name;
      if (c.kind === 'number') {
        return { name, values: [...c.values.subarray(0, n)].map((v, k) => (c.present[k] ? v : null)) };
      }
      if (c.kind === 'dict') {
        return {
          name,
          ids: [...c.ids.subarray(0, n)],
          entries: [...c.lengths.subarray(0, c.entries)],
          text: c.data.subarray(0, c.used).toString('latin1'),
        };
      }
      return {
        name,
        lengths: [...c.lengths.subarray(0, n)],
        text: c.data.subarray(0, c.used).toString('latin1'),
      };
    }),
  };
}

/** The same raw events both ways, in the same batches, each way with a parser of its own. */
function bothWays(
  batches: RawEvent[][],
  format: string,
): { parsed: unknown; direct: unknown; rebuilt: number } {
  const opts = { format, service: 'svc', host: null };
  const pa = createParser(opts);
  const pb = createParser(opts);
  const a = eventRows();
  const b = eventRows();
  for (const batch of batches) {
    addEvents(a, pa(batch.map((e) => ({ ...e }))));
    addRawEvents(b, batch, pb);
  }
  const raws = b.columns.columns[TABLE_COLUMNS.findIndex((c) => c.name === 'raw')];
  const rebuilt =
    raws.kind === 'string' ? raws.lengths.subarray(0, b.columns.rows).filter((n) => n < 0).length : 0;
  return { parsed: dump(a), direct: dump(b), rebuilt };
}

const raw = (line: string, i: number, extra: Partial<RawEvent> = {}): RawEvent => ({
  source: '/var/log/access.log',
  generation: 'g1',
  offset: i * 1000,
  line,
  received_at: T0,
  ...extra,
});

const CANONICAL = ACCESS_LINES[0];

/** Lines the access parsers meet, canonical and not, and lines of other formats. */
const LINES = [
  ...ACCESS_LINES.slice(0, 5),
  // Quotes in ident and user, text beyond ASCII, a control char and a lone surrogate come back too.
  '10.0.0.15 "x" "y" [02/Jan/2026:03:04:05 +0000] "GET /é HTTP/1.1" 200 1 "-" "ü \u0001 \ud800"',
  ...ACCESS_LINES.slice(5),
  '10.0.0.11 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 007 "-" "ua"',
  '10.0.0.12 - - [2/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"',
  '10.0.0.13 - - [02/Jan/2026:03:04:05.123 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"',
  '10.0.0.14 - - [02/Jan/2026:03:04:05 +0000] "get / HTTP/1.1" 200 1 "-" "ua"',
  '10.0.0.16 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 1 "-',
  '10.0.0.17 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 1 "-" ""',
  '10.0.0.18 - - [02/Jan/2026:03:04:05 +0000] "GET / HTTP/1.1" 200 123456789012345678 "-" "ua"',
  '<34>Oct 11 22:14:15 mymachine su: su root failed for lonvick on /dev/pts/8',
  '{"level":"info","msg":"json line"}',
  '',
];

const token = fc.stringMatching(/^[!#-Z^-~]{1,12}$/);
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '0', ' ', '-', '"', '\\', '[', ']', 'é', '/', '\t'),
  maxLength: 12,
});
/** Mostly `a`, now and then odd text. */
const mostly = (a: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: a }, { weight: 1, arbitrary: text });
/** Access lines from random parts, each part now and then replaced by odd text. */
const accessLine = fc
  .record({
    ip: mostly(token),
    ident: mostly(fc.oneof(fc.constant('-'), token)),
    user: mostly(fc.oneof(fc.constant('-'), token)),
    s: fc.integer({ min: 0, max: 86_400 * 366 }),
    zone: fc.integer({ min: -14 * 60, max: 14 * 60 }),
    stampTail: mostly(fc.constant('')),
    method: mostly(fc.constantFrom('GET', 'POST', 'PROPFIND', 'M-_X')),
    path: mostly(token),
    protocol: mostly(fc.constantFrom('HTTP/1.0', 'HTTP/1.1', '')),
    status: mostly(fc.integer({ min: 100, max: 599 }).map(String)),
    bytes: mostly(fc.oneof(fc.constant('-'), fc.nat().map(String))),
    referrer: mostly(fc.oneof(fc.constant('-'), token)),
    ua: mostly(fc.oneof(fc.constant('-'), token)),
    tail: mostly(fc.constant('')),
    common: fc.boolean(),
  })
  .map((p) => {
    const stamp = httpStamp((T0 + p.s * 1000) * 1000, p.zone) + p.stampTail;
    const request = p.protocol === '' ? `${p.method} ${p.path}` : `${p.method} ${p.path} ${p.protocol}`;
    const head = `${p.ip} ${p.ident} ${p.user} [${stamp}] "${request}" ${p.status} ${p.bytes}`;
    return (p.common ? head : `${head} "${p.referrer}" "${p.ua}"`) + p.tail;
  });

const anyLine = fc.oneof(
  { weight: 6, arbitrary: accessLine },
  { weight: 1, arbitrary: fc.constantFrom(...LINES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

describe('access lines straight into rows', () => {
  it('takes the lines the store rebuilds and leaves the rest to the parser', () => {
    const parse = createParser({ format: 'apache_combined' });
    const plan = parse.accessPlan(raw(CANONICAL, 0));
    expect(plan).toEqual({ combined: 'apache_combined', common: 'apache_common', service: null, host: null });
    const taken = LINES.map((line, i) => addAccessLine(eventRows(), raw(line, i), plan!));
    expect(taken).toEqual([true, true, true, true, true, true, ...new Array(LINES.length - 6).fill(false)]);
    // A truncated line keeps its flag among the fields: the parser writes it.
    expect(addAccessLine(eventRows(), raw(CANONICAL, 0, { truncated: true }), plan!)).toBe(false);
    // nginx_access rebuilds the combined layout only.
    const nginx = createParser({ format: 'nginx_access' }).accessPlan(raw(CANONICAL, 0))!;
    expect(addAccessLine(eventRows(), raw(LINES[4], 4), nginx)).toBe(false);
    expect(addAccessLine(eventRows(), raw(CANONICAL, 0), nginx)).toBe(true);
  });

  it('has no plan for a source before detection settles on an access format, nor for other formats', () => {
    const auto = createParser({});
    expect(auto.accessPlan(raw(CANONICAL, 0))).toBeNull();
    auto([raw(CANONICAL, 0)]);
    expect(auto.accessPlan(raw(CANONICAL, 1))?.combined).toBe('apache_combined');
    expect(auto.accessPlan(raw(CANONICAL, 1, { source: '/other.log' }))).toBeNull();
    expect(auto.accessPlan(raw(CANONICAL, 1, { format: 'syslog_rfc3164' }))).toBeNull();
    expect(createParser({ format: 'json' }).accessPlan(raw(CANONICAL, 0))).toBeNull();
  });

  it('gives the same rows as parse + addEvents for the sample lines, in every format setting', () => {
    for (const format of ['auto', 'apache_combined', 'apache_common', 'nginx_access', 'json']) {
      const batch = [...LINES, ...LINES.slice().reverse(), CANONICAL, CANONICAL].map((l, i) => raw(l, i));
      const { parsed, direct } = bothWays([batch.slice(0, 7), batch.slice(7)], format);
      expect(direct).toEqual(parsed);
    }
  });

  it('gives the same rows as parse + addEvents for any lines, sources, hints and batches', () => {
    const event = fc.record({
      line: anyLine,
      source: fc.constantFrom('/a.log', '/b.log'),
      generation: fc.constantFrom('g1', ''),
      service: fc.option(fc.constantFrom('web', ''), { nil: undefined }),
      host: fc.option(fc.constant('h1'), { nil: undefined }),
      format: fc.option(
        fc.constantFrom('auto', 'apache_combined', 'nginx_access', 'syslog_rfc3164', 'nope'),
        {
          nil: undefined,
          freq: 4,
        },
      ),
      truncated: fc.option(fc.constant(true), { nil: undefined, freq: 8 }),
    });
    let lines = 0;
    let rebuilt = 0;
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('auto', 'apache_combined', 'nginx_access'),
        (events, size, format) => {
          const raws = events.map((e, i) => {
            const r = raw(e.line, i, { source: e.source, generation: e.generation });
            if (e.service !== undefined) r.service = e.service;
            if (e.host !== undefined) r.host = e.host;
            if (e.format !== undefined) r.format = e.format;
            if (e.truncated !== undefined) r.truncated = e.truncated;
            return r;
          });
          const batches: RawEvent[][] = [];
          for (let i = 0; i < raws.length; i += size) batches.push(raws.slice(i, i + size));
          const r = bothWays(batches, format);
          expect(r.direct).toEqual(r.parsed);
          lines += raws.length;
          rebuilt += r.rebuilt;
        },
      ),
      { numRuns: 400 },
    );
    // Enough of the lines took the direct path for the comparison to mean something.
    expect(rebuilt).toBeGreaterThan(lines / 10);
  });

  it('reads a block of lines in place into the same rows as parse + addEvents of its events', () => {
    let lines = 0;
    let rebuilt = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyLine, fc.boolean()), { maxLength: 60 }),
        fc.array(fc.nat(4000), { maxLength: 4 }),
        fc.integer({ min: 1, max: 25 }),
        fc.oneof(fc.constant(4096), fc.integer({ min: 1, max: 120 })),
        fc.record({
          service: fc.option(fc.constant('web'), { nil: undefined }),
          host: fc.option(fc.constant('h1'), { nil: undefined }),
          format: fc.option(fc.constantFrom('auto', 'apache_combined', 'json'), { nil: undefined, freq: 3 }),
        }),
        fc.constantFrom('auto', 'apache_combined', 'nginx_access'),
        (parts, cuts, size, max, extras, format) => {
          // The lines as a file holds them (LF or CRLF), read in chunks split anywhere, into
          // blocks of at most `size` lines: lines next to each other in a block's text.
          const bytes = Buffer.from(parts.map(([l, crlf]) => `${l}${crlf ? '\r\n' : '\n'}`).join(''));
          const stamp = { source: '/a.log', generation: 'g1', received_at: T0, ...extras };
          for (const k of Object.keys(stamp) as (keyof typeof stamp)[])
            if (stamp[k] === undefined) delete stamp[k];
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const st = newScanState(0);
          const blocks: LineBlock[] = [];
          let prev = 0;
          for (const p of [...points, bytes.length]) {
            for (let at = prev; at < p; ) {
              const block = newLineBlock(stamp, 1, 1);
              at = scanLines(st, bytes.subarray(0, p), at, p, at, max, block, size);
              if (block.count > 0) blocks.push(block);
            }
            prev = p;
          }
          const opts = { format, service: 'svc', host: null };
          const pa = createParser(opts);
          const pb = createParser(opts);
          const a = eventRows();
          const b = eventRows();
          for (const block of blocks) {
            addEvents(a, pa(blockEvents(block)));
            addRawBlock(b, block, pb);
          }
          expect(dump(b)).toEqual(dump(a));
          const raws = b.columns.columns[TABLE_COLUMNS.findIndex((c) => c.name === 'raw')];
          if (raws.kind === 'string')
            rebuilt += raws.lengths.subarray(0, b.columns.rows).filter((n) => n < 0).length;
          lines += b.columns.rows;
        },
      ),
      { numRuns: 400 },
    );
    expect(rebuilt).toBeGreaterThan(lines / 10);
  });

  it('parses a large block or batch of other lines in parts into the same rows as one parse', () => {
    // More lines than one part (256), of several formats, with cut lines on either side of a part's end.
    const shapes = [
      '2026-01-02 03:04:05,123 ERROR [main] com.example.App - failed after 3 tries',
      'Jan  2 03:04:05 host1 sshd[42]: Accepted publickey for root from 10.0.0.1 port 22',
      '{"time":"2026-01-02T03:04:05Z","level":"warn","msg":"slow","ms":812}',
      'plain text line with ünïcödé',
      `a line longer than the limit ${'x'.repeat(150)}`,
      CANONICAL,
    ];
    const lines = Array.from({ length: 1_000 }, (_, i) => `${shapes[i % shapes.length]} #${i}`);
    const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
    const opts = { format: 'auto', service: 'svc', host: null };
    const block = newLineBlock({ source: '/a.log', generation: 'g1', received_at: T0 }, 1, 1);
    scanLines(newScanState(0), bytes, 0, bytes.length, 0, 120, block, 4096);
    expect(block.count).toBe(1_000);
    expect(block.cut.length).toBeGreaterThan(0);
    const a = eventRows();
    const b = eventRows();
    addEvents(a, createParser(opts)(blockEvents(block)));
    addRawBlock(b, block, createParser(opts));
    expect(dump(b)).toEqual(dump(a));
    const raws = lines.map((l, i) => raw(l, i));
    const c = eventRows();
    const d = eventRows();
    addEvents(c, createParser(opts)(raws.map((e) => ({ ...e }))));
    addRawEvents(d, raws, createParser(opts));
    expect(dump(d)).toEqual(dump(c));
  });
});
