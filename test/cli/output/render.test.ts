/** The terminal tables of query and tail: layouts, times, numbers, widths, bars, the page note. */
import { describe, expect, it } from 'vitest';
import { eventHeader, eventLayout, eventLines } from '../../../src/cli/output/event-table.js';
import { pageNote, renderRows } from '../../../src/cli/output/render.js';
import { timeFormatter } from '../../../src/cli/output/times.js';
import { type OutputView, outputView } from '../../../src/cli/output/view.js';
import type { QueryRows } from '../../../src/core/storage.js';

/** A view as a pipe gives it (UTC, no width, no colour) unless told otherwise. */
function view(over: Partial<OutputView> = {}): OutputView {
  return { tty: false, width: undefined, color: false, times: timeFormatter('UTC'), ...over };
}

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

const request = (ts: string, status: number, method: string, path: string, client: string | null) => ({
  ts,
  level: status >= 500 ? 'error' : 'info',
  service: 'web',
  message: `${method} ${path} HTTP/1.1`,
  status,
  method,
  path,
  client_ip: client,
  fields: null,
});

const requests: QueryRows = {
  columns: ['ts', 'level', 'service', 'message', 'status', 'method', 'path', 'client_ip', 'fields'],
  rows: [
    request('2026-01-02T03:04:05.000000Z', 200, 'GET', '/', '10.0.0.1'),
    request('2026-01-02T03:04:04.500000Z', 503, 'POST', '/api/v1/payments', '2001:db8::1'),
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

describe('events tables', () => {
  it('print a header, then events one per line with escaped control characters, UTC marked Z', () => {
    const out = renderRows(events, 'table', view());
    expect(out).toBe(
      'ts                       level service message\n' +
        '2026-01-02 03:04:05.123Z error api     boom\\x1B[2J\\x1B]0;pwned\\x07 done\\nnext line\n' +
        '2026-01-02 03:04:04.000Z info          a "quoted", message\n',
    );
    expect(out).not.toContain('\x1b');
  });

  it('show requests as status, method, client and path', () => {
    expect(renderRows(requests, 'table', view())).toBe(
      'ts                       service status method client_ip   path\n' +
        '2026-01-02 03:04:05.000Z web        200 GET    10.0.0.1    /\n' +
        '2026-01-02 03:04:04.500Z web        503 POST   2001:db8::1 /api/v1/payments\n',
    );
  });

  it('colour levels and failed statuses only when asked, and only with their own escapes', () => {
    const out = renderRows(events, 'table', view({ color: true }));
    expect(out).toContain('\x1b[31merror\x1b[0m');
    expect(out).toContain('\x1b[32minfo \x1b[0m');
    expect(out.replaceAll(/\x1b\[[0-9;]*m/g, '')).not.toContain('\x1b');
    expect(renderRows(requests, 'table', view({ color: true }))).toContain('\x1b[31m   503\x1b[0m');
  });

  it('fit every line to the width', () => {
    for (const rows of [events, requests]) {
      const out = renderRows(rows, 'table', view({ width: 50 }));
      for (const line of out.trimEnd().split('\n')) expect(Array.from(line).length).toBeLessThanOrEqual(50);
    }
    expect(renderRows(events, 'table', view({ width: 50 }))).toContain('…');
  });

  it('show times in the zone, with its offset', () => {
    const out = renderRows(events, 'table', view({ times: timeFormatter('America/New_York') }));
    expect(out).toContain('\n2026-01-01 22:04:05.123-05:00 error');
    const summer = { ...events, rows: [{ ...events.rows[0], ts: '2026-07-02T03:04:05.123456Z' }] };
    expect(renderRows(summer, 'table', view({ times: timeFormatter('America/New_York') }))).toContain(
      '2026-07-01 23:04:05.123-04:00',
    );
    expect(renderRows(summer, 'table', view({ times: timeFormatter('Asia/Kathmandu') }))).toContain(
      '2026-07-02 08:49:05.123+05:45',
    );
  });

  it('keep the first batch layout for later batches (tail)', () => {
    const first = [requests.rows[0]];
    const layout = eventLayout(first, view({ width: 80 }));
    const later = eventLines(requests.rows, layout, view({ width: 80 }));
    const head = eventHeader(layout, view({ width: 80 }));
    const pathAt = head.indexOf('path');
    for (const line of later.trimEnd().split('\n')) expect(line.indexOf('/')).toBe(pathAt);
    // A later event that is not a request shows its message where the path goes.
    const other = { ts: '2026-01-02T03:04:06.000000Z', level: 'warn', service: 'web', message: 'slow disk' };
    expect(eventLines([other], layout, view({ width: 80 })).indexOf('slow disk')).toBe(pathAt);
  });

  it('print nothing for no events', () => {
    expect(renderRows({ ...events, rows: [] }, 'table', view())).toBe('');
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
    expect(renderRows(rows, 'table', view())).toBe(
      'ts                        level message\n' +
        '2026-01-02 03:04:06.000Z  info  own\n' +
        '2026-01-02 03:04:05.000Z? unkn… read\n' +
        '2026-01-02 03:04:04.000Z^ unkn… inherited\n',
    );
  });

  it('leave the table as it is when no event needs a mark', () => {
    const own = { ...rows, rows: [rows.rows[0]] };
    expect(renderRows(own, 'table', view())).toBe(
      'ts                       level message\n2026-01-02 03:04:06.000Z info  own\n',
    );
  });
});

describe('aggregate tables', () => {
  it('align columns, numbers to the right', () => {
    expect(renderRows(table, 'table', view())).toBe(
      'path         count  p50(latency_ms)\n' +
        '-----------  -----  ---------------\n' +
        '/api/orders     12             3.50\n' +
        '                 3\n',
    );
  });

  it('round numbers for reading, one count of decimals per column; data formats keep every digit', () => {
    const rows: QueryRows = {
      columns: ['service', 'sum(latency_ms)', 'avg(x)'],
      rows: [
        { service: 'a', 'sum(latency_ms)': 1190277.2000000225, 'avg(x)': 0.000123456 },
        { service: 'b', 'sum(latency_ms)': 12, 'avg(x)': 0.5 },
      ],
      elapsed_ms: 0,
    };
    expect(renderRows(rows, 'table', view())).toBe(
      'service  sum(latency_ms)  avg(x)\n' +
        '-------  ---------------  --------\n' +
        'a             1190277.20  0.000123\n' +
        'b                  12.00  0.500000\n',
    );
    expect(renderRows(rows, 'json', view())).toContain('1190277.2000000225');
    expect(renderRows(rows, 'csv', view())).toContain('1190277.2000000225');
  });

  it('print a header for an empty table', () => {
    expect(renderRows({ columns: ['count'], rows: [], elapsed_ms: 0 }, 'table', view())).toBe(
      'count\n-----\n',
    );
  });

  const chart: QueryRows = {
    columns: ['time', 'count'],
    rows: [
      { time: '2026-01-02T03:00:00.000000Z', count: 10 },
      { time: '2026-01-02T03:05:00.000000Z', count: 40 },
      { time: '2026-01-02T03:10:00.000000Z', count: 0 },
    ],
    elapsed_ms: 0,
  };

  it('show time buckets in the zone, only as precise as they are', () => {
    expect(renderRows(chart, 'table', view())).toBe(
      'time               count\n' +
        '-----------------  -----\n' +
        '2026-01-02 03:00Z     10\n' +
        '2026-01-02 03:05Z     40\n' +
        '2026-01-02 03:10Z      0\n',
    );
    expect(renderRows(chart, 'table', view({ times: timeFormatter('Europe/Paris') }))).toContain(
      '2026-01-02 04:05+01:00     40\n',
    );
  });

  it('draw bars beside a timechart on a terminal only', () => {
    const tty = renderRows(chart, 'table', view({ tty: true, width: 60 }), { chart: 'count' });
    const lines = tty.trimEnd().split('\n');
    const bar = (l: string) => l.replace(/^[^█▏▎▍▌▋▊▉]*/, '');
    expect(bar(lines[3])).toMatch(/^█+$/);
    expect(bar(lines[2]).length).toBeLessThan(bar(lines[3]).length);
    expect(bar(lines[2]).length).toBeGreaterThan(0);
    expect(bar(lines[4])).toBe('');
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(60);
    // Piped: plain numbers.
    expect(renderRows(chart, 'table', view(), { chart: 'count' })).not.toMatch(/[█▏▎▍▌▋▊▉]/);
  });
});

describe('pageNote', () => {
  it('says how many the page leaves out', () => {
    expect(pageNote(100, 0, 12345, 'events')).toBe(
      'showing 100 of 12,345 events; see more with --limit or --offset 100',
    );
    expect(pageNote(100, 100, 12345, 'events')).toBe(
      'showing 101–200 of 12,345 events; see more with --limit or --offset 200',
    );
    expect(pageNote(45, 12300, 12345, 'events')).toBe('showing 12,301–12,345 of 12,345 events');
    expect(pageNote(0, 20000, 12345, 'events')).toBe('nothing past the first 20,000 events: 12,345 in all');
    expect(pageNote(100, 0, null, 'events')).toMatch(/^showing 100 events; more may match/);
  });

  it('says nothing when the page holds every row, or nothing was counted', () => {
    expect(pageNote(5, 0, 5, 'events')).toBeNull();
    expect(pageNote(5, 0, undefined, 'events')).toBeNull();
  });
});

describe('outputView', () => {
  it('takes a terminal that reports 0×0 as 80 columns', () => {
    expect(outputView({ isTTY: true, columns: 0 }, {}, {}).width).toBe(80);
    expect(outputView({ isTTY: true, columns: 120 }, {}, {}).width).toBe(120);
    expect(outputView({ isTTY: false }, {}, {}).width).toBeUndefined();
    expect(outputView({ isTTY: false }, {}, { COLUMNS: '90' }).width).toBe(90);
  });

  it('shows UTC in a pipe and the local zone (TZ) on a terminal, unless told', () => {
    expect(outputView({ isTTY: false }, {}, { TZ: 'Asia/Tokyo' }).times.zone).toBe('UTC');
    expect(outputView({ isTTY: true }, {}, { TZ: 'Asia/Tokyo' }).times.zone).toBe('Asia/Tokyo');
    expect(outputView({ isTTY: false }, { tz: 'Europe/Paris' }, {}).times.zone).toBe('Europe/Paris');
    expect(outputView({ isTTY: true }, { tz: 'utc' }, { TZ: 'Asia/Tokyo' }).times.zone).toBe('UTC');
    expect(outputView({ isTTY: false }, { tz: 'local' }, { TZ: 'Asia/Tokyo' }).times.zone).toBe('Asia/Tokyo');
    expect(outputView({ isTTY: false }, { configTz: 'Europe/Paris' }, {}).times.zone).toBe('Europe/Paris');
    expect(outputView({ isTTY: false }, { tz: 'UTC', configTz: 'Europe/Paris' }, {}).times.zone).toBe('UTC');
  });

  it('names a zone it does not know, and where it came from', () => {
    expect(() => outputView({ isTTY: false }, { tz: 'Mars/Olympus' }, {})).toThrow(
      /^--tz: unknown time zone "Mars\/Olympus"; give an IANA name/,
    );
    expect(() => outputView({ isTTY: true }, {}, { TZ: 'Nowhere/Land' })).toThrow(
      /^the TZ environment variable: unknown time zone "Nowhere\/Land"/,
    );
    expect(() => outputView({ isTTY: false }, { configTz: 'x' }, {})).toThrow(/^display\.timezone: unknown/);
  });
});
