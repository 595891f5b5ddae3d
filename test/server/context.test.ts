import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { type ApiFixture, apiWith } from '../helpers/api.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2) * 1000;

let api: ApiFixture | null = null;
afterEach(async () => {
  await api?.store.close();
  api = null;
});

/**
 * 100 lines of app.log (offsets 0, 10, 20, …), interleaved in time with another file's lines and
 * with the lines of app.log's previous content (another generation): none of those is context.
 * Times are not in offset order (a late line carries an early time): context follows the file.
 */
function files(): LogEvent[] {
  const out: LogEvent[] = [];
  for (let i = 0; i < 100; i++) {
    const ts = T0 + (i % 7 === 3 ? i - 50 : i) * 1_000_000;
    out.push(
      testEvent(i * 10, { source: 'app.log', generation: 'g2', ts, message: `line ${i}`, raw: `line ${i}` }),
    );
    out.push(testEvent(i * 10, { source: 'other.log', generation: 'g2', ts, message: `other ${i}` }));
    out.push(testEvent(i * 10 + 5, { source: 'app.log', generation: 'g1', ts, message: `old ${i}` }));
  }
  return out;
}

const at = (offset: number, extra = '') =>
  `/api/context?source=app.log&generation=g2&offset=${offset}${extra}`;
const lines = (rows: { message: string }[]) => rows.map((r) => r.message);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `line ${from + k}`);

describe('GET /api/context', () => {
  it('gives the lines before and after an event in its file, oldest first, and says whether there are more', async () => {
    api = await apiWith(files());
    const { status, body } = await api.get(at(500, '&before=5&after=3'));
    expect(status).toBe(200);
    expect(body.hit).toMatchObject({ source: 'app.log', generation: 'g2', offset: 500, message: 'line 50' });
    expect(lines(body.before)).toEqual(range(45, 50));
    expect(lines(body.after)).toEqual(range(51, 54));
    expect(body.more_before).toBe(true);
    expect(body.more_after).toBe(true);
    for (const r of [...body.before, ...body.after]) {
      expect(r.source).toBe('app.log');
      expect(r.generation).toBe('g2');
      expect(typeof r.offset).toBe('number');
    }
  });

  it('defaults to 50 on each side and stops at the ends of the file', async () => {
    api = await apiWith(files());
    const start = await api.get(at(30));
    expect(lines(start.body.before)).toEqual(range(0, 3));
    expect(start.body.more_before).toBe(false);
    expect(lines(start.body.after)).toEqual(range(4, 54));
    expect(start.body.more_after).toBe(true);
    const end = await api.get(at(990));
    expect(lines(end.body.before)).toEqual(range(49, 99));
    expect(end.body.more_before).toBe(true);
    expect(end.body.after).toEqual([]);
    expect(end.body.more_after).toBe(false);
    // Exactly as many as there are: nothing more.
    const exact = await api.get(at(50, '&before=5'));
    expect(lines(exact.body.before)).toEqual(range(0, 5));
    expect(exact.body.more_before).toBe(false);
    // None asked for: whether there are any still says.
    const none = await api.get(at(500, '&before=0&after=0'));
    expect(none.body.before).toEqual([]);
    expect(none.body.more_before).toBe(true);
    expect(none.body.more_after).toBe(true);
  });

  it('pages on from the first or last row, without gaps or repeats', async () => {
    api = await apiWith(files());
    const seen: string[] = [];
    let first = (await api.get(at(500, '&before=7&after=0'))).body;
    seen.unshift(...lines(first.before));
    while (first.more_before) {
      const top = first.before[0];
      first = (
        await api.get(
          `/api/context?source=${top.source}&generation=${top.generation}&offset=${top.offset}&before=7&after=0`,
        )
      ).body;
      seen.unshift(...lines(first.before));
    }
    expect(seen).toEqual(range(0, 50));
    const last = (await api.get(at(900, '&before=0&after=20'))).body;
    const bottom = last.after.at(-1);
    const next = (await api.get(at(bottom.offset, '&before=0&after=20'))).body;
    expect([...lines(last.after), ...lines(next.after)]).toEqual(range(91, 100));
    expect(next.more_after).toBe(false);
  });

  it('takes the identity the query API gives each event', async () => {
    api = await apiWith(files());
    const found = await api.get('/api/query?q=%22line%2042%22');
    const row = found.body.rows[0];
    expect(row).toMatchObject({ source: 'app.log', generation: 'g2', offset: 420 });
    const ctx = await api.get(
      `/api/context?source=${encodeURIComponent(row.source)}&generation=${row.generation}&offset=${row.offset}&before=1&after=1`,
    );
    expect(ctx.body.hit).toEqual(row);
    expect(lines(ctx.body.before)).toEqual(['line 41']);
    expect(lines(ctx.body.after)).toEqual(['line 43']);
  });

  it('answers 404 for an event the store does not hold', async () => {
    api = await apiWith(files());
    for (const path of [at(505), at(1000), '/api/context?source=nope&generation=g2&offset=0']) {
      const { status, body } = await api.get(path);
      expect(status, path).toBe(404);
      expect(body.error.type).toBe('not_found');
      expect(body.error.message).toMatch(/no event at source/);
    }
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    api = await apiWith(files());
    for (const [path, name] of [
      ['/api/context?generation=g2&offset=0', 'source'],
      ['/api/context?source=app.log&offset=0', 'generation'],
      ['/api/context?source=app.log&generation=g2', 'offset'],
      [at(-1), 'offset'],
      [at(1.5), 'offset'],
      [at(0, '&before=1001'), 'before'],
      [at(0, '&after=x'), 'after'],
    ]) {
      const { status, body } = await api.get(path);
      expect(status, path).toBe(400);
      expect(body.error.message, path).toContain(name);
    }
  });
});
