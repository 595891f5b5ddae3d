import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { QueryError } from '../../src/core/errors.js';
import { EVENT_COLUMNS, PROMOTED_FIELDS } from '../../src/core/schema.js';
import { parseQuery } from '../../src/query/index.js';
import { type ApiFixture, apiWith } from '../helpers/api.js';

let api: ApiFixture | null = null;
afterEach(async () => {
  await api?.store.close();
  api = null;
});

interface Entry {
  name: string;
  syntax: string;
  doc: string;
  example: string;
}

/** Whether the parser takes `word` as a pipe command (any other error is about its arguments). */
function parserTakesCommand(word: string): boolean {
  try {
    parseQuery(`* | ${word}`);
    return true;
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    return !err.detail.startsWith('unknown command');
  }
}

/** Every word in quotes in the parser's source: any command it knows is among them. */
function parserWords(): string[] {
  const src = readFileSync(new URL('../../src/query/parser.ts', import.meta.url), 'utf8');
  const words = new Set<string>();
  for (const m of src.matchAll(/['"`]([a-z][a-z0-9_]*)['"`]/g)) words.add(m[1]);
  // And the stage parsers' names, `count: parseCount`.
  for (const m of src.matchAll(/^\s+([a-z]+): (?:parse[A-Z]\w*|\()/gm)) words.add(m[1]);
  return [...words];
}

describe('GET /api/language', () => {
  it('lists exactly the pipe commands the parser accepts', async () => {
    api = await apiWith([]);
    const { status, body } = await api.get('/api/language');
    expect(status).toBe(200);
    const names = body.pipes.map((p: Entry) => p.name);
    expect(names).toEqual(['count', 'stats', 'timechart', 'top', 'sort', 'limit', 'fields']);
    const candidates = [...parserWords(), 'where', 'eval', 'head', 'dedup', 'rename', 'table', 'search'];
    expect(candidates).toEqual(expect.arrayContaining(names));
    for (const word of candidates) expect(parserTakesCommand(word), word).toBe(names.includes(word));
    // The parser's error names the same list.
    try {
      parseQuery('* | frobnicate');
      expect.unreachable();
    } catch (err) {
      expect((err as QueryError).detail).toBe(
        'unknown command "frobnicate": expected count, stats, timechart, top, sort, limit or fields',
      );
    }
  });

  it('gives each pipe, operator and aggregate a syntax, a doc and an example that parses to it', async () => {
    api = await apiWith([]);
    const { body } = await api.get('/api/language');
    const stageType: Record<string, string> = { count: 'stats' };
    for (const p of body.pipes as Entry[]) {
      expect(p.syntax.startsWith(p.name), p.name).toBe(true);
      expect(p.doc.length).toBeGreaterThan(10);
      const ast = parseQuery(p.example);
      expect(
        ast.stages.some((s) => s.type === (stageType[p.name] ?? p.name)),
        p.example,
      ).toBe(true);
      expect(p.example).toMatch(new RegExp(`\\| ${p.name}\\b`));
    }
    expect(body.operators.length).toBeGreaterThan(10);
    for (const o of body.operators as Entry[]) {
      expect(o.doc.length, o.name).toBeGreaterThan(3);
      expect(() => parseQuery(o.example), o.example).not.toThrow();
    }
    const aggNames = (body.aggregates as Entry[]).map((a) => a.name);
    expect(aggNames).toEqual(['count', 'sum', 'avg', 'min', 'max', 'distinct', 'pNN']);
    for (const a of body.aggregates as Entry[]) {
      const ast = parseQuery(a.example);
      const stage = ast.stages[0];
      expect(stage.type).toBe('stats');
      if (stage.type === 'stats') {
        expect(stage.aggs[0].fn).toBe(a.name === 'pNN' ? 'percentile' : a.name);
      }
    }
  });

  it('lists the core fields with their types', async () => {
    api = await apiWith([]);
    const { body } = await api.get('/api/language');
    expect(body.fields.map((f: { name: string }) => f.name)).toEqual(
      [...EVENT_COLUMNS, ...PROMOTED_FIELDS].map((c) => c.name),
    );
    const type = Object.fromEntries(body.fields.map((f: { name: string; type: string }) => [f.name, f.type]));
    expect(type).toMatchObject({
      ts: 'time',
      level: 'text',
      status: 'integer',
      latency_ms: 'number',
      offset: 'integer',
    });
  });
});
