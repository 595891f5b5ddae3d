import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { RawEvent } from '../../src/core/events.js';
import { createParser, PARSER_FORMATS, parseLine } from '../../src/parser/index.js';

const APACHE =
  '203.0.113.9 - - [27/Nov/2026:12:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"';
const JSON_LINE = '{"ts":"2026-11-27T12:00:01Z","level":"info","msg":"started","service":"api"}';

function raw(line: string, extra: Partial<RawEvent> = {}): RawEvent {
  return { source: 'app.log', generation: 'g', offset: 0, line, received_at: 1_764_244_800_000, ...extra };
}

describe('createParser', () => {
  it('lists its formats, unknown included', () => {
    expect(PARSER_FORMATS).toContain('apache_combined');
    expect(PARSER_FORMATS).toContain('json');
    expect(PARSER_FORMATS).toContain('unknown');
  });

  it('rejects an unknown format name when created, naming the known ones', () => {
    expect(() => createParser({ format: 'apachee' })).toThrow(UsageError);
    expect(() => createParser({ format: 'apachee' })).toThrow(
      /one of apache_combined, apache_common, .*json.*, unknown$/,
    );
  });

  it('detects apache and json per line in auto mode, one event per input in order', () => {
    const parse = createParser();
    const out = parse([
      raw(APACHE, { offset: 0 }),
      raw(JSON_LINE, { offset: 200, source: 'b' }),
      raw('free text'),
    ]);
    expect(out.map((e) => e.format)).toEqual(['apache_combined', 'json', 'unknown']);
    expect(out.map((e) => e.offset)).toEqual([0, 200, 0]);
    expect(out[1].service).toBe('api');
    expect(out[2]).toMatchObject({ level: 'unknown', message: 'free text', ts: 1_764_244_800_000_000 });
  });

  it('still parses json lines in a source detected as apache', () => {
    const parse = createParser();
    const out = parse([raw(APACHE), raw(APACHE), raw(JSON_LINE), raw(APACHE)]);
    expect(out.map((e) => e.format)).toEqual([
      'apache_combined',
      'apache_combined',
      'json',
      'apache_combined',
    ]);
  });

  it('forces a format: lines it does not claim become unknown', () => {
    const parse = createParser({ format: 'json' });
    expect(parse([raw(APACHE), raw(JSON_LINE)]).map((e) => e.format)).toEqual(['unknown', 'json']);
  });

  it('honours a per-event format hint, ignoring unknown hints', () => {
    const parse = createParser();
    expect(parse([raw(JSON_LINE, { format: 'unknown' })])[0].format).toBe('unknown');
    expect(parse([raw(JSON_LINE, { format: 'nonsense' })])[0].format).toBe('json');
  });

  it('stamps the default service and host only where nothing else names one', () => {
    const parse = createParser({ service: 'web', host: 'h1' });
    const [a, j] = parse([raw(APACHE), raw(JSON_LINE)]);
    expect(a).toMatchObject({ service: 'web', host: 'h1' });
    expect(j).toMatchObject({ service: 'api', host: 'h1' });
  });

  it('parseLine parses one line on its own', () => {
    expect(parseLine(APACHE).format).toBe('apache_combined');
    expect(parseLine(JSON_LINE, { format: 'apache_combined' }).format).toBe('unknown');
  });

  it('never throws on any string and always keeps the raw line', () => {
    const parse = createParser();
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.json({ maxDepth: 4 }),
      fc
        .tuple(
          fc.ipV6(),
          fc.string({ maxLength: 40 }),
          fc.integer({ min: 0, max: 999 }),
          fc.string({ maxLength: 60 }),
        )
        .map(
          ([ip, path, st, ua]) =>
            `${ip} - - [10/Oct/2000:13:55:36 -0700] "GET ${path} HTTP/1.1" ${st} - "-" "${ua}"`,
        ),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
        const out = parse(lines.map((l) => raw(l)));
        expect(out).toHaveLength(lines.length);
        for (let i = 0; i < lines.length; i++) {
          expect(out[i].raw).toBe(lines[i]);
          expect(Number.isFinite(out[i].ts)).toBe(true);
          expect(typeof out[i].message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('applies the configured zone to zone-less stamps', () => {
    const parse = createParser({ timezone: 'Europe/Berlin' });
    const [e] = parse([raw('2026-11-27 13:00:00,000 INFO [main] a.B: x')]);
    expect(e.ts).toBe(Date.UTC(2026, 10, 27, 12) * 1000);
    expect(() => createParser({ timezone: 'Nowhere/Land' })).toThrow(/parse.timezone: unknown time zone/);
  });

  it('tries user patterns first and can be forced to one by name', () => {
    const patterns = [{ name: 'orders', grok: '%{WORD:verb} order %{INT:id:int}' }];
    const parse = createParser({ patterns });
    expect(parse([raw('placed order 42')])[0]).toMatchObject({
      format: 'orders',
      fields: { verb: 'placed', id: 42 },
    });
    expect(parse([raw(JSON_LINE, { source: 'other' })])[0].format).toBe('json');
    expect(createParser({ patterns, format: 'orders' })([raw('nope')])[0].format).toBe('unknown');
    expect(() => createParser({ patterns, format: 'order' })).toThrow(/one of .*orders/);
  });
});

describe('events without their own time', () => {
  const READ_US = 1_764_244_800_000_000;
  const JAVA = '2016-09-28 04:30:31,123 ERROR [main] com.example.App - failed';
  const JAVA_US = Date.UTC(2016, 8, 28, 4, 30, 31, 123) * 1000;

  it('get the read time, flagged received and counted by format', () => {
    const parse = createParser();
    const out = parse([raw(JAVA), raw('\tat com.example.App.main(App.java:12)'), raw('plain words')]);
    expect(out[0].ts).toBe(JAVA_US);
    expect(out[0].fields.ts_source).toBeUndefined();
    expect(out[1]).toMatchObject({ ts: READ_US, fields: { ts_source: 'received' } });
    expect(out[2]).toMatchObject({ ts: READ_US, fields: { ts_source: 'received' } });
    expect(parse.readTime).toEqual({ unknown: 2 });
  });

  it('with missingTime previous, get the time of the previous event of their source', () => {
    const parse = createParser({ missingTime: 'previous' });
    const out = parse([
      raw('orphan line before any time'),
      raw(JAVA),
      raw('\tat com.example.App.main(App.java:12)'),
      raw('a line of another file', { source: 'other.log' }),
    ]);
    expect(out[0]).toMatchObject({ ts: READ_US, fields: { ts_source: 'received' } });
    expect(out[1].fields.ts_source).toBeUndefined();
    expect(out[2]).toMatchObject({ ts: JAVA_US, fields: { ts_source: 'previous' } });
    expect(out[3]).toMatchObject({ ts: READ_US, fields: { ts_source: 'received' } });
    // Across batches too: the parser remembers per source.
    const next = parse([raw('Caused by: java.io.IOException: gone')]);
    expect(next[0]).toMatchObject({ ts: JAVA_US, fields: { ts_source: 'previous' } });
    // Only read times are counted.
    expect(parse.readTime).toEqual({ unknown: 2 });
  });

  it('with missingTime previous, take the time of an access line the store read itself', () => {
    const parse = createParser({ missingTime: 'previous' });
    // The first access line settles detection; the store then reads the next ones itself.
    parse([raw(APACHE)]);
    const later = APACHE.replace('27/Nov/2026:12:00:00', '28/Nov/2026:09:30:00');
    const e = raw(later);
    expect(parse.accessPlan(e)).not.toBeNull();
    parse.tookAccess(e);
    const out = parse([raw('a stray line')]);
    expect(out[0]).toMatchObject({
      ts: Date.UTC(2026, 10, 28, 9, 30) * 1000,
      fields: { ts_source: 'previous' },
    });
  });
});
