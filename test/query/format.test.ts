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

describe('formatRows', () => {
  it('lists every format', () => {
    expect(OUTPUT_FORMATS).toEqual(['table', 'json', 'ndjson', 'csv', 'raw']);
  });

  it('prints events one per line with escaped control characters', () => {
    const out = formatRows(events, 'table', { color: false });
    expect(out).toBe(
      '2026-01-02 03:04:05.123 error api boom\\x1B[2J\\x1B]0;pwned\\x07 done\\nnext line\n' +
        '2026-01-02 03:04:04.000 info      a "quoted", message\n',
    );
    expect(out).not.toContain('\x1b');
  });

  it('colours levels only when asked, and only with its own escapes', () => {
    const out = formatRows(events, 'table', { color: true });
    expect(out).toContain('\x1b[31merror\x1b[0m');
    expect(out).toContain('\x1b[32minfo \x1b[0m');
    expect(out.replaceAll(/\x1b\[[0-9;]*m/g, '')).not.toContain('\x1b');
  });

  it('cuts messages to the width', () => {
    const out = formatRows(events, 'table', { color: false, width: 40 });
    for (const line of out.trimEnd().split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(40);
    expect(out).toContain('…');
  });

  it('prints aggregates as aligned columns, numbers to the right', () => {
    expect(formatRows(table, 'table', { color: false })).toBe(
      'path         count  p50(latency_ms)\n' +
        '-----------  -----  ---------------\n' +
        '/api/orders     12              3.5\n' +
        '                 3\n',
    );
  });

  it('prints a header for an empty table and nothing for no events', () => {
    expect(formatRows({ columns: ['count'], rows: [], elapsed_ms: 0 }, 'table', { color: false })).toBe(
      'count\n-----\n',
    );
    expect(formatRows({ ...events, rows: [] }, 'table', { color: false })).toBe('');
  });

  it('writes JSON arrays and NDJSON', () => {
    expect(JSON.parse(formatRows(table, 'json', { color: false }))).toEqual(table.rows);
    const nd = formatRows(table, 'ndjson', { color: false });
    expect(
      nd
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(table.rows);
    expect(formatRows({ ...table, rows: [] }, 'ndjson', { color: false })).toBe('');
  });

  it('writes CSV per RFC 4180', () => {
    const out = formatRows(events, 'csv', { color: false });
    const lines = out.split('\r\n');
    expect(lines[0]).toBe('ts,level,service,host,source,format,message,status,fields,raw');
    expect(out).toContain('"boom\x1b[2J\x1b]0;pwned\x07 done\nnext line"');
    expect(out).toContain(',"a ""quoted"", message",,,raw line 2\r\n');
    expect(out).toContain(',500,"{""user"":""bob""}","{""msg"":""boom""}"\r\n');
    expect(out.endsWith('\r\n')).toBe(true);
  });

  it('writes raw lines, or the values of rows without one', () => {
    expect(formatRows(events, 'raw', { color: false })).toBe('{"msg":"boom"}\nraw line 2\n');
    expect(formatRows(table, 'raw', { color: false })).toBe('/api/orders\t12\t3.5\n\t3\t\n');
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

describe('events without their own time', () => {
  const rows: QueryRows = {
    columns: ['ts', 'level', 'service', 'message', 'fields'],
    rows: [
      { ts: '2026-01-02T03:04:06.000000Z', level: 'info', service: null, message: 'own', fields: {} },
      {
        ts: '2026-01-02T03:04:05.000000Z',
        level: 'unknown',
        service: null,
        message: 'read',
        fields: { ts_source: 'received' },
      },
      {
        ts: '2026-01-02T03:04:04.000000Z',
        level: 'unknown',
        service: null,
        message: 'inherited',
        fields: '{"ts_source":"previous"}',
      },
    ],
    elapsed_ms: 1,
  };

  it('mark the time in the table: ? for the read time, ^ for the previous event', () => {
    expect(formatRows(rows, 'table', { color: false })).toBe(
      '2026-01-02 03:04:06.000  info  own\n' +
        '2026-01-02 03:04:05.000? unkn… read\n' +
        '2026-01-02 03:04:04.000^ unkn… inherited\n',
    );
  });

  it('leave the table as it is when no event needs a mark', () => {
    const own = { ...rows, rows: [rows.rows[0]] };
    expect(formatRows(own, 'table', { color: false })).toBe('2026-01-02 03:04:06.000 info  own\n');
  });
});
