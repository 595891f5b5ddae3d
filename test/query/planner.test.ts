import { describe, expect, it } from 'vitest';
import type { QueryAst } from '../../src/query/ast.js';
import { parse } from '../../src/query/parser.js';
import { EVENT_RESULT_COLUMNS, planQuery } from '../../src/query/planner.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';

// The shapes below are those of a store that keeps every line; the guard a text search gets where
// lines are rebuilt from their columns, and the search of lines kept without their time text,
// have their own tests (planQuery: rebuilt lines, lines kept without their time).
const STORED_LINES = { ...duckdbDialect, rebuiltParts: undefined, storedLine: undefined };

function plan(text: string, opts = {}) {
  return planQuery(parse(text), STORED_LINES, opts);
}

/** The WHERE clause of a plain events query. */
function where(text: string): string {
  const sql = plan(text).sql;
  const m = / WHERE (.*?) ORDER BY /.exec(sql);
  return m ? m[1] : '';
}

const J = (key: string) => `json_extract_string("fields", '$."${key}"')`;
const JN = (key: string) =>
  `(CASE WHEN json_type("fields", '$."${key}"') IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN CAST(json_extract_string("fields", '$."${key}"') AS DOUBLE) END)`;

describe('planQuery: events', () => {
  it('selects the event columns, newest first, with the default limit', () => {
    const p = plan('*');
    expect(p.kind).toBe('events');
    const keys = '"ts", "source", "generation", "offset"';
    const order = 'ORDER BY "ts" DESC, "source" ASC, "generation" ASC, "offset" DESC LIMIT 100';
    // The identities of the newest rows first, then only those rows (late materialisation).
    expect(p.sql).toBe(
      `SELECT ${EVENT_RESULT_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "logs" JOIN (SELECT DISTINCT ${keys} FROM (SELECT ${keys} FROM "logs" ${order}) AS w) AS k USING (${keys}) ${order}`,
    );
    expect(p.params).toEqual([]);
    expect(plan('*', { limit: 7 }).sql.endsWith('LIMIT 7')).toBe(true);
    expect(plan('* | limit 3', { limit: 7 }).sql.endsWith('LIMIT 3')).toBe(true);
  });

  it('pushes the time range into WHERE with microsecond parameters', () => {
    const p = plan('*', { fromUs: 1767323045123456, toUs: 1767323045999999 });
    expect(where('*')).toBe('');
    expect(p.sql).toContain(
      'WHERE "ts" >= make_timestamp(CAST(? AS BIGINT)) AND "ts" < make_timestamp(CAST(? AS BIGINT)) ORDER BY',
    );
    expect(p.params).toEqual([1767323045123456, 1767323045999999]);
  });

  it('compiles free text and phrases to a lowercase search of message and raw', () => {
    expect(where('Timeout')).toBe('(contains(lower("message"), ?) OR contains(lower("raw"), ?))');
    expect(plan('Timeout').params).toEqual(['timeout', 'timeout']);
    expect(plan('"Connection Reset"').params).toEqual(['connection reset', 'connection reset']);
    expect(where('time*out')).toBe('((lower("message") LIKE ?) OR (lower("raw") LIKE ?))');
    expect(where('50%x*')).toBe(
      `((lower("message") LIKE ? ESCAPE '\\') OR (lower("raw") LIKE ? ESCAPE '\\'))`,
    );
    expect(plan('50%_off*').params).toEqual(['%50\\%\\_off%%', '%50\\%\\_off%%']);
    // Without letters, case does not matter and lower() is left out.
    expect(where('"10.0.1.2"')).toBe('(contains("message", ?) OR contains("raw", ?))');
    expect(where('5*0')).toBe('(("message" LIKE ?) OR ("raw" LIKE ?))');
  });

  it('compiles field matches per column type', () => {
    expect(where('service:api')).toBe('("service" = ?)');
    expect(plan('service:api').params).toEqual(['api']);
    expect(where('status:500')).toBe('("status" = ?)');
    expect(plan('status:500').params).toEqual([500]);
    expect(where('path:/api/*')).toBe('("path" LIKE ?)');
    expect(where('path:/a_b/*')).toBe(`("path" LIKE ? ESCAPE '\\')`);
    expect(plan('path:/a_b/*').params).toEqual(['/a\\_b/%']);
    expect(plan('path:/api/*').params).toEqual(['/api/%']);
    expect(where('status:5*')).toBe('(CAST("status" AS VARCHAR) LIKE ?)');
    expect(where('ts:2026-01-02')).toBe('("ts" = make_timestamp(CAST(? AS BIGINT)))');
    expect(where('user:bob')).toBe(`(${J('user')} = ?)`);
    expect(where('code:42')).toBe(`(${J('code')} = ? OR ${JN('code')} = ?)`);
    expect(plan('code:42').params).toEqual(['42', 42]);
    expect(where('http.method:GET')).toBe(`(${J('http.method')} = ?)`);
    expect(where('fields.status:x')).toBe(`(${J('status')} = ?)`);
  });

  it('compiles exists, regexes and comparisons', () => {
    expect(where('trace_id:*')).toBe('("trace_id" IS NOT NULL)');
    expect(where('user:*')).toBe(`(json_extract("fields", '$."user"') IS NOT NULL)`);
    expect(where('/time(d)?out/')).toBe('coalesce(regexp_matches("message", ?), FALSE)');
    expect(where('/x/i')).toBe(`coalesce(regexp_matches("message", ?, 'i'), FALSE)`);
    expect(where('path:/^\\/api/')).toBe('coalesce(regexp_matches("path", ?), FALSE)');
    expect(plan('path:/^\\/api/').params).toEqual(['^/api']);
    expect(where('user:/b.b/')).toBe(`coalesce(regexp_matches(${J('user')}, ?), FALSE)`);
    expect(where('status>=500')).toBe('("status" >= ?)');
    expect(where('latency_ms>250ms')).toBe('("latency_ms" > ?)');
    expect(plan('bytes>10KB').params).toEqual([10240]);
    expect(where('code<3')).toBe(`(${JN('code')} < ?)`);
    expect(where('ts<2026-01-02')).toBe('("ts" < make_timestamp(CAST(? AS BIGINT)))');
    expect(plan('ts<2026-01-02').params).toEqual([1767312000000000]);
  });

  it('compiles boolean structure; NOT treats a missing value as not matching', () => {
    expect(where('a b')).toContain(') AND (');
    expect(where('-path:/health')).toBe('NOT coalesce(("path" = ?), FALSE)');
    expect(where('(level:error OR level:fatal) -x')).toBe(
      '((("level" = ?) OR ("level" = ?)) AND NOT coalesce((contains(lower("message"), ?) OR contains(lower("raw"), ?)), FALSE))',
    );
    expect(where('a OR *')).toBe('');
    expect(where('a *')).toBe('(contains(lower("message"), ?) OR contains(lower("raw"), ?))');
    expect(where('-*')).toBe('FALSE');
  });

  it('sorts events by a field, then newest first', () => {
    expect(plan('* | sort status desc').sql).toContain(
      'ORDER BY "status" DESC NULLS LAST, "ts" DESC, "source" ASC, "generation" ASC, "offset" DESC LIMIT 100',
    );
    expect(plan('* | sort code').sql).toContain(
      `ORDER BY ${JN('code')} ASC NULLS LAST, ${J('code')} ASC NULLS LAST, "ts" DESC`,
    );
  });

  it('sorts after a limit in an outer query', () => {
    const p = plan('* | limit 5 | sort status');
    expect(p.sql).toContain(
      'FROM (SELECT * FROM "logs" ORDER BY "ts" DESC, "source" ASC, "generation" ASC, "offset" DESC LIMIT 5) AS t ORDER BY "status" ASC NULLS LAST',
    );
  });

  it('projects fields as a table that keeps the event order', () => {
    const p = plan('* | fields ts, user');
    expect(p.kind).toBe('table');
    expect(
      p.sql.startsWith(
        `SELECT "ts" AS "ts", json_extract("fields", '$."user"') AS "user" FROM "logs" JOIN (`,
      ),
    ).toBe(true);
    expect(
      p.sql.endsWith('ORDER BY "ts" DESC, "source" ASC, "generation" ASC, "offset" DESC LIMIT 100'),
    ).toBe(true);
  });
});

describe('planQuery: pipes', () => {
  it('compiles count by with the filter params first', () => {
    const p = plan('status>=500 | count by path | sort count desc | limit 10', { fromUs: 1 });
    expect(p.kind).toBe('table');
    expect(p.sql).toBe(
      'SELECT "path" AS "path", count(*) AS "count" FROM "logs" WHERE "ts" >= make_timestamp(CAST(? AS BIGINT)) AND ("status" >= ?) GROUP BY "path" ORDER BY "count" DESC NULLS LAST, "path" ASC NULLS LAST LIMIT 10',
    );
    expect(p.params).toEqual([1, 500]);
  });

  it('compiles timechart grouping by a bucket number, turned into a time per group', () => {
    const p = plan('* | timechart 5m count by level');
    // 5m buckets from 2000-01-03 are 5m buckets from the epoch; before it, `//` must floor.
    const us = 'epoch_us("ts")';
    const iv = 'CAST(300000000 AS BIGINT)';
    const key = `(CASE WHEN ${us} >= 0 THEN ${us} // ${iv} ELSE (${us} - 299999999) // ${iv} END)`;
    expect(p.sql).toBe(
      `SELECT make_timestamp(${key} * ${iv}) AS "time", "level" AS "level", count(*) AS "count" FROM "logs" GROUP BY ${key}, "level" ORDER BY "time" ASC NULLS LAST, "level" ASC NULLS LAST LIMIT 10000`,
    );
    // 7m buckets are not: they start at 2000-01-03 mod 7m = 6m past a multiple of 7m.
    const iv7 = 'CAST(420000000 AS BIGINT)';
    const key7 = `(CASE WHEN ${us} >= 360000000 THEN (${us} - 360000000) // ${iv7} ELSE (${us} - 779999999) // ${iv7} END)`;
    expect(plan('* | timechart 7m count').sql).toBe(
      `SELECT make_timestamp(${key7} * ${iv7} + 360000000) AS "time", count(*) AS "count" FROM "logs" GROUP BY ${key7} ORDER BY "time" ASC NULLS LAST LIMIT 10000`,
    );
  });

  it('compiles stats aggregates', () => {
    const p = plan('latency_ms>0 | stats p50(latency_ms), p99(latency_ms), count by service', {
      percentiles: 'sort',
    });
    // Quantiles as exponent literals: DOUBLEs to DuckDB, read back as exactly these doubles.
    expect(p.sql).toContain(
      'SELECT "service" AS "service", quantile_cont("latency_ms", 5e-1) AS "p50(latency_ms)", quantile_cont("latency_ms", 9.9e-1) AS "p99(latency_ms)", count(*) AS "count" FROM "logs" WHERE ("latency_ms" > ?) GROUP BY "service"',
    );
    expect(plan('* | stats p99.9(latency_ms)', { percentiles: 'sort' }).sql).toContain(
      'quantile_cont("latency_ms", 9.99e-1)',
    );
    const q = plan('* | stats sum(bytes), avg(code), min(ts), max(code), distinct(user), count(user) as n');
    expect(q.sql).toBe(
      `SELECT sum("bytes") AS "sum(bytes)", avg(${JN('code')}) AS "avg(code)", min("ts") AS "min(ts)", max(${JN('code')}) AS "max(code)", count(DISTINCT json_extract("fields", '$."user"')) AS "distinct(user)", count(json_extract("fields", '$."user"')) AS "n" FROM "logs" LIMIT 10000`,
    );
  });

  it('compiles percentiles from value counts: counts per value, running totals, ranks', () => {
    const p = plan('latency_ms>0 | stats p99(latency_ms), count by service', { percentiles: 'counts' });
    const counts =
      'SELECT "service" AS "#k0", CAST("latency_ms" AS DOUBLE) AS "#v", count(*) AS "#n" FROM "logs" WHERE ("latency_ms" > ?) GROUP BY "service", CAST("latency_ms" AS DOUBLE)';
    const nonNull = 'sum(CASE WHEN "#v" IS NOT NULL THEN "#n" END)';
    const running = `SELECT *, ${nonNull} OVER (PARTITION BY "#k0" ORDER BY "#v") AS "#upto", ${nonNull} OVER (PARTITION BY "#k0") AS "#total" FROM (${counts}) AS "#c"`;
    const pos = (n: string) => `(CAST(${n} - 1 AS DOUBLE) * 9.9e-1)`;
    const ranked = `SELECT "#k0", CAST(coalesce(sum("#n"), 0) AS BIGINT) AS "#count", ${pos('max("#total")')} AS "#pos0", min(CASE WHEN "#upto" > floor(${pos('"#total"')}) THEN "#v" END) AS "#lo0", min(CASE WHEN "#upto" > ceil(${pos('"#total"')}) THEN "#v" END) AS "#hi0" FROM (${running}) AS "#t" GROUP BY "#k0"`;
    const f = '("#pos0" - floor("#pos0"))';
    expect(p.sql).toBe(
      `SELECT "#k0" AS "service", CASE WHEN floor("#pos0") = ceil("#pos0") THEN "#lo0" ELSE "#lo0" * (1 - ${f}) + "#hi0" * ${f} END AS "p99(latency_ms)", "#count" AS "count" FROM (${ranked}) AS "#r" ORDER BY "service" ASC NULLS LAST LIMIT 10000`,
    );
    expect(p.params).toEqual([0]);
    // Without groups: one partition, and one row even over no rows.
    const all = plan('* | stats p50(latency_ms)', { percentiles: 'counts' }).sql;
    expect(all).toContain(
      'OVER (ORDER BY "#v") AS "#upto", sum(CASE WHEN "#v" IS NOT NULL THEN "#n" END) OVER () AS',
    );
    expect(all).toMatch(/\) AS "#t"\) AS "#r" LIMIT 10000$/);
  });

  it('compiles percentiles in auto with a sample deciding between counts and the quantile', () => {
    const p = plan('latency_ms>0 | stats p50(latency_ms), p99(latency_ms) by service');
    const few = '"#s"."#few"';
    expect(p.sql).toContain(
      `SELECT "service" AS "#k0", CASE WHEN ${few} THEN CAST("latency_ms" AS DOUBLE) END AS "#v", count(*) AS "#n", quantile_cont(CASE WHEN ${few} THEN NULL ELSE "latency_ms" END, 5e-1) AS "#q0", quantile_cont(CASE WHEN ${few} THEN NULL ELSE "latency_ms" END, 9.9e-1) AS "#q1" FROM "logs", (`,
    );
    expect(p.sql).toContain(
      'SELECT coalesce(count(*) * 8 <= sum("#n") AND count(CASE WHEN "#n" = 1 THEN 1 END) * 1024 <= sum("#n"), FALSE) AS "#few" FROM (SELECT "#k0", "#v", count(*) AS "#n" FROM (SELECT "service" AS "#k0", "latency_ms" AS "#v" FROM "logs" WHERE ("latency_ms" > ?) LIMIT 65536) AS "#p" GROUP BY "#k0", "#v") AS "#d") AS "#s" WHERE ("latency_ms" > ?) GROUP BY "service", CASE WHEN "#s"."#few" THEN CAST("latency_ms" AS DOUBLE) END',
    );
    expect(p.sql).toContain('max("#q1") AS "#q1"');
    expect(p.sql).toContain('SELECT "#k0" AS "service", coalesce("#q0", CASE WHEN floor("#pos0")');
    // The filter runs in the sample and in the query: its parameters twice, in order.
    expect(p.params).toEqual([0, 0]);
    expect(p.sql.split('?').length - 1).toBe(2);
  });

  it('counts only percentiles of one value, with plain counts beside them', () => {
    const counted = (q: string) => plan(q, { percentiles: 'counts' }).sql.includes('"#v"');
    expect(counted('* | stats p50(latency_ms), p99(latency_ms) as slow, count, count as n by service')).toBe(
      true,
    );
    expect(counted('* | stats p99(code) by user')).toBe(true);
    expect(plan('* | stats p99(code)', { percentiles: 'counts' }).sql).toContain(
      `CAST(${JN('code')} AS DOUBLE) AS "#v"`,
    );
    expect(counted('* | count by path | stats p50(count)')).toBe(true);
    expect(counted('* | timechart 1m p99(latency_ms) by level')).toBe(true);
    expect(counted('* | stats p50(latency_ms), p50(bytes)')).toBe(false);
    expect(counted('* | stats p50(latency_ms), avg(latency_ms)')).toBe(false);
    expect(counted('* | stats p50(latency_ms), count(latency_ms)')).toBe(false);
    expect(counted('* | stats count by service')).toBe(false);
    expect(plan('* | stats p50(latency_ms)', { percentiles: 'sort' }).sql).not.toContain('"#v"');
  });

  it('turns a counted timechart bucket into its time per group', () => {
    const p = plan('* | timechart 1m p99(latency_ms) by level', { percentiles: 'counts' });
    expect(p.sql).toMatch(
      /^SELECT make_timestamp\("#k0" \* CAST\(60000000 AS BIGINT\)\) AS "time", "#k1" AS "level", /,
    );
    expect(p.sql).toContain('PARTITION BY "#k0", "#k1"');
  });

  it('compiles top, skipping missing values', () => {
    expect(plan('* | top 3 path').sql).toBe(
      'SELECT "path" AS "path", count(*) AS "count" FROM "logs" WHERE "path" IS NOT NULL GROUP BY "path" ORDER BY "count" DESC, "path" ASC NULLS LAST LIMIT 3',
    );
    expect(plan('x | top 3 path').sql).toContain(
      'WHERE (contains(lower("message"), ?) OR contains(lower("raw"), ?)) AND "path" IS NOT NULL',
    );
  });

  it('chains stages as sub-queries', () => {
    const p = plan('x | count by path | stats avg(count) as mean');
    expect(p.sql).toBe(
      'SELECT avg("count") AS "mean" FROM (SELECT "path" AS "path", count(*) AS "count" FROM "logs" WHERE (contains(lower("message"), ?) OR contains(lower("raw"), ?)) GROUP BY "path" ORDER BY "path" ASC NULLS LAST) AS t LIMIT 10000',
    );
    const f = plan('* | count by path, status | fields path, count | sort count desc');
    expect(f.sql).toBe(
      'SELECT "path" AS "path", "count" AS "count" FROM (SELECT "path" AS "path", "status" AS "status", count(*) AS "count" FROM "logs" GROUP BY "path", "status") AS t ORDER BY "count" DESC NULLS LAST, "path" ASC NULLS LAST, "status" ASC NULLS LAST LIMIT 10000',
    );
    expect(plan('* | limit 50 | count').sql).toContain('FROM (SELECT * FROM "logs" ORDER BY "ts" DESC');
  });
});

describe('planQuery: user text stays in parameters', () => {
  const attacks = [
    `'; DROP TABLE logs; --`,
    `" OR 1=1 --`,
    `\\'); DELETE FROM logs; --`,
    `x' UNION SELECT * FROM duckdb_settings() --`,
  ];
  for (const a of attacks) {
    it(`keeps ${JSON.stringify(a)} out of the SQL`, () => {
      const quoted = `"${a.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
      for (const q of [
        quoted,
        `service:${quoted}`,
        `user:${quoted}`,
        `path:${quoted}`,
        `message:${quoted} | count by service`,
      ]) {
        const p = plan(q);
        expect(p.sql).not.toContain('DROP');
        expect(p.sql).not.toContain('DELETE');
        expect(p.sql).not.toContain('UNION');
        expect(p.sql).not.toContain('1=1');
        expect(
          p.params.some(
            (x) => typeof x === 'string' && x.toLowerCase().includes(a.toLowerCase().slice(0, 5)),
          ),
        ).toBe(true);
        expect(p.sql.split('?').length - 1).toBe(p.params.length);
      }
    });
  }

  it('keeps regex text and wildcards in parameters', () => {
    const p = plan(`/'; DROP TABLE logs; --/ path:x'*`);
    expect(p.sql).not.toContain('DROP');
    expect(p.params).toEqual([`'; DROP TABLE logs; --`, `x'%`]);
  });

  it('never takes a field name the lexer would refuse', () => {
    // Such a word is free text, hence a parameter.
    const p = plan(`a';DROP:x`);
    expect(p.sql).not.toContain('DROP');
    const ast: QueryAst = {
      text: 'x',
      filter: {
        type: 'match',
        field: { name: `a'"`, column: null, key: `a'"` },
        value: 'x',
        number: null,
        wildcard: false,
        pos: 0,
      },
      stages: [],
    };
    expect(() => planQuery(ast, duckdbDialect)).toThrow(/unsafe JSON key/);
  });
});

describe('planQuery: time bounds for skipping partitions', () => {
  it('narrows the options range by top-level ts terms only', () => {
    expect(plan('*').range).toEqual({});
    expect(plan('*', { fromUs: 10, toUs: 20 }).range).toEqual({ fromUs: 10, toUs: 20 });
    const a = Date.UTC(2026, 0, 2) * 1000;
    const b = Date.UTC(2026, 0, 3) * 1000;
    expect(plan('ts>=2026-01-02 ts<2026-01-03 level:error').range).toEqual({ fromUs: a, toUs: b });
    expect(plan('ts>2026-01-02', { fromUs: a + 5 }).range).toEqual({ fromUs: a + 5 });
    expect(plan('ts<=2026-01-03', { toUs: b + 5 }).range).toEqual({ toUs: b });
    expect(plan('ts:2026-01-02').range).toEqual({ fromUs: a, toUs: a });
    expect(plan('ts>=2026-01-02 OR x').range).toEqual({});
    expect(plan('-ts>=2026-01-02').range).toEqual({});
    expect(plan('(ts>=2026-01-02 OR ts<2000-01-01) | count').range).toEqual({});
  });
});

describe('planQuery: rebuilt lines', () => {
  const search = (text: string) => planQuery(parse(text), { ...duckdbDialect, storedLine: undefined }, {});
  const LINE = '(contains(lower("message"), ?) OR contains(lower("raw"), ?))';
  const any = (lower: boolean, list: string[]) =>
    `coalesce(${list.map((p) => `contains(${lower ? `lower(${p})` : p}, ?)`).join(' OR ')}, FALSE)`;
  const TEXT_PARTS = [
    '"client_ip"',
    '"method"',
    '"path"',
    '"protocol"',
    `coalesce("referrer", '-')`,
    `coalesce("user_agent", '-')`,
  ];
  const FIELDS_TEXT = 'CAST("fields" AS VARCHAR)';
  const REBUILT = '("raw_zone" IS NOT NULL)';

  it('answers a needle without separators from the pieces of a rebuilt line, building none', () => {
    const p = search('Timeout');
    expect(p.sql).toContain(
      `WHERE (CASE WHEN NOT ${REBUILT} THEN ${LINE} WHEN ${any(true, TEXT_PARTS)} THEN TRUE WHEN ${any(true, [FIELDS_TEXT])} THEN ${LINE} ELSE FALSE END) ORDER BY`,
    );
    // Lines that keep their raw text; the pieces; the fields' JSON text, which holds more than the
    // line, so a hit there is checked against the line.
    expect(p.params).toEqual([
      'timeout',
      'timeout',
      ...TEXT_PARTS.map(() => 'timeout'),
      'timeout',
      'timeout',
      'timeout',
    ]);
  });

  it('looks for the longest run without separators, then checks the line', () => {
    const p = search('"GET it"');
    expect(p.sql).toContain(
      `WHERE (CASE WHEN NOT ${REBUILT} THEN ${LINE} WHEN ${any(true, [...TEXT_PARTS, FIELDS_TEXT])} THEN ${LINE} ELSE FALSE END) ORDER BY`,
    );
    expect(p.params).toEqual([
      'get it',
      'get it',
      ...[...TEXT_PARTS, FIELDS_TEXT].map(() => 'get'),
      'get it',
      'get it',
    ]);
    // Digits may be a status, a byte count or part of the date as well.
    const digits = search('" 4040 "');
    expect(digits.sql).toContain(`CAST("status" AS VARCHAR)`);
    expect(digits.sql).toContain(`CAST("bytes" AS VARCHAR)`);
    expect(digits.sql).toContain('strftime(');
    // Letters outside month names: neither numbers nor the date.
    const words = search('curl');
    expect(words.sql).not.toContain('CAST("status" AS VARCHAR)');
    expect(words.sql).not.toContain('strftime(');
    expect(search('dec').sql).toContain('strftime(');
    // Wildcards and characters JSON escapes split runs too.
    expect(search('time*outside').params).toContain('outside');
    expect(search('time*outs').sql).toContain('LIKE ?');
    expect(search('"a\\\\bcd"').params).toContain('bcd');
  });

  it('searches every line when the needle is separators only', () => {
    const p = search('" [ "');
    expect(p.sql).not.toContain('raw_zone');
    expect(p.params).toEqual([' [ ', ' [ ']);
  });
});

describe('planQuery: lines kept without their time', () => {
  const search = (text: string) => planQuery(parse(text), { ...duckdbDialect, rebuiltParts: undefined }, {});
  const line = (raw: string) => `(contains(lower("message"), ?) OR contains(lower(${raw}), ?))`;
  const CUT = '("time_place" IS NOT NULL)';

  it('searches a needle without digits in the stored line where the time was cut, the whole line elsewhere', () => {
    const p = search('Refused');
    expect(p.sql).toContain(
      `WHERE (CASE WHEN ${CUT} THEN ${line('"raw_stored"')} ELSE ${line('"raw"')} END) ORDER BY`,
    );
    expect(p.params).toEqual(['refused', 'refused', 'refused', 'refused']);
  });

  it('builds the line for a needle a time text may hold: digits, one character, wildcards', () => {
    for (const q of ['2026', '"00:1"', 'x', ':', 'time*out', 'a1']) {
      expect(search(q).sql, q).not.toContain('raw_stored');
    }
  });

  it('searches many terms as stored only when every one may be', () => {
    const words = Array.from({ length: 12 }, (_, i) => `w${'abcdefghijkl'[i]}x`);
    expect(search(words.join(' OR ')).sql).toContain('"raw_stored"');
    expect(search([...words, '2026'].join(' OR ')).sql).not.toContain('"raw_stored"');
  });
});
