/**
 * The `fields` check of segment rows: bytes are one JSON object exactly when JSON.parse reads
 * them as one, except for escaped lone surrogates, which DuckDB's reader refuses and so does it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonObjectError, MAX_JSON_DEPTH } from '../../../src/storage/rows/json-check.js';

const check = (text: string) => {
  const b = Buffer.from(text, 'utf8');
  return jsonObjectError(b, 0, b.length);
};

function parsesAsObject(text: string): boolean {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

const LONE =
  /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F]/;

describe('jsonObjectError', () => {
  it('agrees with JSON.parse on JSON text and on text one edit away from it', () => {
    const text = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc
        .tuple(
          fc.json({ maxDepth: 3 }),
          fc.nat(),
          fc.constantFrom('', '"', '\\', ',', '}', ']', '\u0001', 'x', ' '),
        )
        .map(([t, at, s]) => t.slice(0, at % (t.length + 1)) + s + t.slice((at % (t.length + 1)) + 1)),
      fc.string({ unit: 'binary', maxLength: 20 }).map((s) => `{"k":${JSON.stringify(s)}}`),
    );
    fc.assert(
      fc.property(text, (t) => {
        if (LONE.test(t)) return;
        expect(check(t) === null).toBe(parsesAsObject(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses what DuckDB refuses or JSON.parse does not read as an object', () => {
    for (const bad of [
      '{"a":"\\ud800"}',
      '{"a":"\\udc00x"}',
      '{"\\ud83d":1}',
      '{"a":"\u0001"}',
      '{"a":"\\x"}',
      '{"a":1 /* c */}',
      '{"a":1,}',
      '{"a":NaN}',
      '{"a":01}',
      '[1,2]',
      '"x"',
      '5',
      '',
      '{"a":1}{}',
      '{"a":1',
      `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`,
    ]) {
      expect(check(bad), bad).not.toBeNull();
    }
    for (const good of ['{}', ' {"a":[1,{"b":null}],"c":"\\ud83d\\ude00 ✓","d":-1.5e-3} ', '{"":true}']) {
      expect(check(good), good).toBeNull();
    }
    expect(check('{"a":"\\ud800"}')).toMatch(/malformed string at byte 5/);
  });

  it('reads only its own bytes of a larger buffer', () => {
    const b = Buffer.from('{"a":1}{"b":"x');
    expect(jsonObjectError(b, 0, 7)).toBeNull();
    expect(jsonObjectError(b, 7, b.length)).not.toBeNull();
    expect(jsonObjectError(Buffer.from('{"a":"\\'), 0, 7)).not.toBeNull();
  });
});
