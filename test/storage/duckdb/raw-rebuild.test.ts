/**
 * Lines a store rebuilds from their columns instead of keeping: every line comes back byte for
 * byte (in segments and in sealed partitions), lines that would not come back are kept as they
 * came, and text searches find what the reference evaluator finds.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpStamp } from '../../../src/core/access-line.js';
import type { LogEvent } from '../../../src/core/events.js';
import { rebuildLine, rebuiltZone } from '../../../src/core/raw-layouts.js';
import { createParser } from '../../../src/parser/index.js';
import { evaluateQuery, parseQuery, planQuery } from '../../../src/query/index.js';
import { duckdbDialect } from '../../../src/storage/duckdb/dialect.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { rawBytesSql } from '../../../src/storage/duckdb/raw-text.js';
import { ACCESS_LINES } from '../../helpers/access-lines.js';
import { tempDir } from '../../helpers/cli.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

const LINES = ACCESS_LINES;

function parsed(lines: readonly string[], format = 'auto'): LogEvent[] {
  const parse = createParser({ format });
  return parse(
    lines.map((line, i) => ({
      source: '/var/log/access.log',
      generation: 'g1',
      offset: i * 1000,
      line,
      received_at: T0,
    })),
  );
}

const token = fc.stringMatching(/^[!#-Z^-~]{1,12}$/);
const spaced = fc.stringMatching(/^[!#-Z^-~][ !#-Z^-~]{0,20}$/);
/** Canonical access lines with arbitrary parts. */
const accessLine = fc
  .record({
    ip: token,
    user: fc.oneof(fc.constant('-'), token),
    s: fc.integer({ min: 0, max: 86_400 * 366 }),
    zone: fc.integer({ min: -14 * 60, max: 14 * 60 }),
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PROPFIND'),
    path: spaced,
    protocol: fc.constantFrom('HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0'),
    status: fc.integer({ min: 100, max: 599 }),
    bytes: fc.oneof(fc.constant('-'), fc.nat().map(String)),
    referrer: fc.oneof(fc.constant('-'), spaced),
    ua: fc.oneof(fc.constant('-'), spaced),
  })
  .map((p) => {
    const stamp = httpStamp((T0 + p.s * 1000) * 1000, p.zone);
    return `${p.ip} - ${p.user} [${stamp}] "${p.method} ${p.path} ${p.protocol}" ${p.status} ${p.bytes} "${p.referrer}" "${p.ua}"`;
  });

/** A store in a fresh folder whose clock is a day past the events, so every hour may be sealed. */
function sealableStore(prefix: string) {
  return openDuckDbStore({
    path: join(tempDir(prefix), 'logs.duckdb'),
    now: () => Date.UTC(2026, 0, 3),
    sealAfterMs: 0,
  });
}

async function roundTrip(events: LogEvent[], seal: boolean): Promise<Record<string, unknown>[]> {
  const store = await sealableStore('logpipe-rebuild-');
  try {
    await store.append(events);
    if (seal) {
      await store.compact();
      await store.maintain();
      expect((await store.stats()).partitions).toBeGreaterThan(0);
    }
    const r = await store.query({
      sql: 'SELECT "offset", raw, message, raw_zone FROM logs ORDER BY "offset"',
      params: [],
    });
    return r.rows;
  } finally {
    await store.close();
  }
}

describe('lines rebuilt from their columns', () => {
  it('tells which lines come back exactly, and reads the zone from the line', () => {
    const zones = parsed(LINES).map(rebuiltZone);
    expect(zones).toEqual([0, 330, -420, 0, 0, null, null, null, null, null, null, null, null]);
    const nginx = parsed([LINES[0], LINES[4]], 'nginx_access').map(rebuiltZone);
    // nginx_access rebuilds its combined layout; a common line is kept.
    expect(nginx).toEqual([0, null]);
    expect(httpStamp(T0 * 1000, -90)).toBe('02/Jan/2026:01:34:05 -0130');
    expect(httpStamp(T0 * 1000 + 1, 0)).toBeNull();
  });

  for (const seal of [false, true]) {
    it(`gives every line back byte for byte from ${seal ? 'sealed partitions' : 'segments'}`, async () => {
      const events = [...parsed(LINES), ...parsed([LINES[0], LINES[4]], 'nginx_access')].map((e, i) => ({
        ...e,
        offset: i,
      }));
      const rows = await roundTrip(events, seal);
      expect(rows.map((r) => r.raw)).toEqual(events.map((e) => e.raw));
      expect(rows.map((r) => r.message)).toEqual(events.map((e) => e.message));
      expect(rows.map((r) => r.raw_zone !== null)).toEqual(events.map((e) => rebuiltZone(e) !== null));
    });
  }

  it('rebuilds generated lines as the SQL does, for any parts', async () => {
    const lines = fc.sample(accessLine, { numRuns: 400, seed: 7 });
    const events = parsed(lines).map((e, i) => ({ ...e, offset: i }));
    for (const e of events) {
      const zone = rebuiltZone(e);
      expect(zone, e.raw).not.toBeNull();
      expect(rebuildLine(e.format, e.fields, e.ts, zone!)).toBe(e.raw);
    }
    const rows = await roundTrip(events, true);
    expect(rows.map((r) => r.raw)).toEqual(lines);
  });

  it("counts a line's bytes from its parts as strlen of the rebuilt line, and seals that raw size", async () => {
    // Idents, non-ASCII parts, missing parts, and lines that are kept as they came.
    const wide = fc.stringMatching(/^[a-zé€😀][ a-zé€😀]{0,10}$/u);
    const variant = fc
      .tuple(accessLine, fc.oneof(fc.constant('-'), token), wide, fc.boolean())
      .map(([line, ident, text, inPath]) => {
        const withIdent = line.replace(/^(\S+) - /, `$1 ${ident} `);
        return inPath
          ? withIdent.replace(/"([A-Z]+) /, `"$1 /${text}`)
          : withIdent.replace(/"([^"]*)"$/, `"${text}"`);
      });
    const lines = [
      ...LINES,
      ...fc.sample(accessLine, { numRuns: 100, seed: 5 }),
      ...fc.sample(variant, { numRuns: 200, seed: 9 }),
    ];
    const events = parsed(lines).map((e, i) => ({ ...e, offset: i }));
    expect(events.filter((e) => rebuiltZone(e) !== null).length).toBeGreaterThan(250);
    const dir = tempDir('logpipe-rebuild-bytes-');
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      now: () => Date.UTC(2026, 0, 3),
      sealAfterMs: 0,
    });
    try {
      await store.append(events);
      // Counted over the rows as stored (what the seal counts), built through the view.
      const segments = `read_parquet('${join(dir, 'segments')}/*.parquet', union_by_name = true)`;
      const counted = await store.query({
        sql: `SELECT "offset", ${rawBytesSql()} AS counted FROM ${segments} ORDER BY "offset"`,
        params: [],
      });
      const r = await store.query({
        sql: 'SELECT "offset", strlen(raw) AS built FROM logs ORDER BY "offset"',
        params: [],
      });
      expect(counted.rows.map((row) => Number(row.counted))).toEqual(r.rows.map((row) => Number(row.built)));
      expect(r.rows.map((row) => Number(row.built))).toEqual(lines.map((l) => Buffer.byteLength(l)));
      await store.compact();
      await store.maintain();
      const stats = await store.stats();
      expect(stats.partitions).toBeGreaterThan(0);
      expect(stats.raw_bytes).toBe(lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0));
    } finally {
      await store.close();
    }
  });

  it('finds in rebuilt lines what the reference evaluator finds in the lines', async () => {
    const dir = tempDir('logpipe-rebuild-search-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    const events = [...parsed(LINES), ...parsed(LINES.slice(0, 5), 'nginx_access')].map((e, i) => ({
      ...e,
      offset: i,
    }));
    try {
      await store.append(events);
      // Pieces within one part, across separators, in the date, numbers, dashes of absent parts.
      const terms = [
        'curl',
        'CURL/8',
        '"GET /a',
        'HTTP/1.1" 200',
        '/with space',
        '02/jan/2026:03',
        'jan',
        '+0530',
        '-0700]',
        '503 -',
        ' - ',
        '-',
        '404',
        '"-"',
        'bob',
        'user name',
        'r.example',
        'x11; linux',
        '\\"x\\"',
        '10.1.1.1',
        'not an',
        '::1',
        '" "',
        'host.example - -',
      ];
      for (const term of terms) {
        const phrase = `"${term.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
        for (const q of [phrase, `-${phrase}`, `${term.replaceAll('"', '').replaceAll(' ', '*')}*`]) {
          if (q === '*') continue;
          const ast = parseQuery(q);
          const plan = planQuery(ast, duckdbDialect, { limit: 1000 });
          const got = await store.query(plan, { range: plan.range });
          const want = evaluateQuery(ast, events, { limit: 1000 });
          expect(
            got.rows.map((r) => r.offset ?? r.raw),
            q,
          ).toEqual(want.rows.map((r) => r.offset ?? r.raw));
        }
      }
    } finally {
      await store.close();
    }
  });

  it('finds what the reference evaluator finds, for pieces of random lines', async () => {
    const dir = tempDir('logpipe-rebuild-search-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    const lines = fc.sample(accessLine, { numRuns: 60, seed: 11 });
    const events = parsed(lines).map((e, i) => ({ ...e, offset: i }));
    try {
      await store.append(events);
      // A slice of some line (often across separators), in a random case.
      const piece = fc
        .tuple(fc.nat({ max: lines.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 12 }), fc.boolean())
        .map(([l, at, n, upper]) => {
          const line = lines[l];
          const from = at % line.length;
          const text = line.slice(from, from + n);
          return upper ? text.toUpperCase() : text;
        })
        .filter((t) => t.trim() !== '' && !t.includes('*'));
      await fc.assert(
        fc.asyncProperty(piece, fc.boolean(), async (term, wild) => {
          // As a phrase, negated, and as a wildcard term (its middle character any run).
          const phrase = `"${term.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
          const queries = [phrase, `-${phrase}`];
          const bare = term.replace(/[^A-Za-z0-9._]/g, '');
          if (wild && bare.length >= 3) queries.push(`${bare.slice(0, 1)}*${bare.slice(2)}`);
          for (const q of queries) {
            const ast = parseQuery(q);
            const plan = planQuery(ast, duckdbDialect, { limit: 1000 });
            const got = await store.query(plan, { range: plan.range });
            const want = evaluateQuery(ast, events, { limit: 1000 });
            expect(
              got.rows.map((r) => r.raw),
              q,
            ).toEqual(want.rows.map((r) => r.raw));
          }
        }),
        { numRuns: 150, seed: 3 },
      );
    } finally {
      await store.close();
    }
  });
});
