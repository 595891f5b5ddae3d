import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { csvField, DOWNLOAD_PAGE_ROWS } from '../../src/server/download.js';
import { type ApiFixture, apiWith } from '../helpers/api.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2) * 1000;

let api: ApiFixture | null = null;
afterEach(async () => {
  await api?.store.close();
  api = null;
});

/** Lines that need quoting in CSV, and some that do not. */
const AWKWARD = [
  'plain',
  'a, b',
  'she said "hi"',
  'two\nlines',
  'cr\r\nlf',
  '"quoted"',
  ',',
  '',
  'ünïcødé ✓ 日本',
  '=cmd|calc',
];

function awkward(): LogEvent[] {
  return AWKWARD.map((m, i) =>
    testEvent(i, {
      ts: T0 + i * 1000,
      message: m,
      raw: `raw ${m}`,
      fields: { note: m, n: i, ok: i % 2 === 0 },
    }),
  );
}

/** Reads RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** A JSON row's value as the CSV writes it. */
function asCsvText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

describe('downloads from GET /api/query', () => {
  it('writes CSV that reads back to the rows the JSON answer holds', async () => {
    api = await apiWith(awkward());
    const json = await api.get('/api/query?q=*&limit=100');
    const res = await api.app.request('/api/query?q=*&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="logpipe-\d{8}T\d{6}Z\.csv"$/,
    );
    const table = parseCsv(await res.text());
    expect(table[0]).toEqual(json.body.columns);
    const rows = table.slice(1);
    expect(rows).toHaveLength(AWKWARD.length);
    rows.forEach((r, i) => {
      expect(r).toEqual(json.body.columns.map((c: string) => asCsvText(json.body.rows[i][c])));
    });
    expect(rows.map((r) => r[json.body.columns.indexOf('message')]).sort()).toEqual([...AWKWARD].sort());
  });

  it('writes NDJSON whose lines are the rows the JSON answer holds', async () => {
    api = await apiWith(awkward());
    const json = await api.get('/api/query?q=*');
    const res = await api.app.request('/api/query?q=*&format=ndjson');
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/\.ndjson"$/);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(json.body.rows);
  });

  it('quotes CSV fields only when they need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField({ a: 'b,c' })).toBe('"{""a"":""b,c""}"');
  });

  it('downloads aggregate tables too', async () => {
    api = await apiWith(awkward());
    const res = await api.app.request(`/api/query?q=${encodeURIComponent('* | count by ok')}&format=csv`);
    expect(parseCsv(await res.text())).toEqual([
      ['ok', 'count'],
      ['false', '5'],
      ['true', '5'],
    ]);
  });

  it('reads large results a page at a time, newest first, up to the limit (10,000 by default)', async () => {
    const n = DOWNLOAD_PAGE_ROWS * 2 + 500;
    const events = Array.from({ length: n }, (_, i) =>
      testEvent(i, { ts: T0 + i * 1000, message: `m${i}`, raw: `m${i}` }),
    );
    api = await apiWith(events);
    const all = await api.app.request(`/api/query?q=*&format=ndjson&limit=${n + 100}`);
    const offsets = (await all.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).offset as number);
    expect(offsets).toEqual(Array.from({ length: n }, (_, k) => n - 1 - k));
    const capped = await api.app.request(`/api/query?q=*&format=csv&limit=${DOWNLOAD_PAGE_ROWS + 7}`);
    expect(parseCsv(await capped.text())).toHaveLength(DOWNLOAD_PAGE_ROWS + 7 + 1);
    const byDefault = await api.app.request('/api/query?q=*&format=ndjson');
    expect((await byDefault.text()).trimEnd().split('\n')).toHaveLength(10_000);
  });

  it('refuses bad parameters before it starts, as JSON errors naming them', async () => {
    api = await apiWith(awkward());
    for (const [path, name] of [
      ['/api/query?q=*&format=xml', 'format'],
      ['/api/query?q=*&format=csv&limit=1000001', 'limit'],
      ['/api/query?q=*&format=csv&limit=0', 'limit'],
      ['/api/query?q=*&format=ndjson&since=whenever', 'since'],
      ['/api/query?q=*&identity=yes', 'identity'],
      ['/api/query?sql=SELECT%201&format=csv', 'format=csv'],
    ]) {
      const { status, body } = await api.get(path);
      expect(status, path).toBe(400);
      expect(body.error.message, path).toContain(name);
    }
    const bad = await api.get(`/api/query?q=${encodeURIComponent('* | nope')}&format=csv`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'query', position: 4 });
  });
});
