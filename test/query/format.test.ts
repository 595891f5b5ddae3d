import { describe, expect, it } from 'vitest';
import type { QueryRows } from '../../src/core/storage.js';
import { escapeControls, formatRows, OUTPUT_FORMATS } from '../../src/query/format.js';

const events: QueryRows = {
  columns: ['ts', 'level', 'service', 'host', 'source', 'format', 'message', 'status', 'fields', 'raw'],
  rows: [
    {
      ts: '2026-01-02T03:04:05.123456Z',
      level: 'error',
      service: 'api',
      host: 'h',
      source: 's',
      format: 'json',
      message: 'boom\x1b[2J\x1b]0;pwned\x07 done\nnext line',
      status: 500,
      fields: { user: 'bob' },
      raw: '{"msg":"boom"}',
    },
    {
      ts: '2026-01-02T03:04:04.000000Z',
      level: 'info',
      service: null,
      host: null,
      source: 's',
      format: 'json',
      message: 'a "quoted", message',
      status: null,
      fields: null,
      raw: 'raw line 2',
    },
  ],
  elapsed_ms: 1,
};

const table: QueryRows = {
  columns: ['path', 'count', 'p50(latency_ms)'],
  rows: [
    { path: '/api/orders', count: 12, 'p50(latency_ms)': 3.5 },
    { path: null, count: 3, 'p50(latency_ms)': null },
  ],
  elapsed_ms: 1,
};

describe('formatRows (the data formats; tables: test/cli/output/render.test.ts)', () => {
  it('lists every format', () => {
    expect(OUTPUT_FORMATS).toEqual(['table', 'json', 'ndjson', 'csv', 'raw']);
  });

  it('writes JSON arrays and NDJSON', () => {
    expect(JSON.parse(formatRows(table, 'json'))).toEqual(table.rows);
    const nd = formatRows(table, 'ndjson');
    expect(
      nd
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(table.rows);
    expect(formatRows({ ...table, rows: [] }, 'ndjson')).toBe('');
  });

  it('writes CSV per RFC 4180', () => {
    const out = formatRows(events, 'csv');
    const lines = out.split('\r\n');
    expect(lines[0]).toBe('ts,level,service,host,source,format,message,status,fields,raw');
    expect(out).toContain('"boom\x1b[2J\x1b]0;pwned\x07 done\nnext line"');
    expect(out).toContain(',"a ""quoted"", message",,,raw line 2\r\n');
    expect(out).toContain(',500,"{""user"":""bob""}","{""msg"":""boom""}"\r\n');
    expect(out.endsWith('\r\n')).toBe(true);
  });

  it('writes raw lines, or the values of rows without one', () => {
    expect(formatRows(events, 'raw')).toBe('{"msg":"boom"}\nraw line 2\n');
    expect(formatRows(table, 'raw')).toBe('/api/orders\t12\t3.5\n\t3\t\n');
  });
});

describe('escapeControls', () => {
  it('escapes C0, DEL, C1, separators and bidi controls, and nothing else', () => {
    expect(escapeControls('a\tb\rc\u0000d\u007fe\u009bf\u2028g\u202eh\u2066i')).toBe(
      'a\\tb\\rc\\x00d\\x7Fe\\x9Bf\\u2028g\\u202Eh\\u2066i',
    );
    expect(escapeControls('plain ünïcödé 日本 🎉')).toBe('plain ünïcödé 日本 🎉');
  });
});
