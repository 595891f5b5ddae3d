import { describe, expect, it } from 'vitest';
import {
  createDetector,
  firstChar,
  REPROBE_AFTER,
  REPROBE_EVERY,
  SETTLE_AFTER,
} from '../../src/parser/detect.js';
import { UTC } from '../../src/parser/timestamps/index.js';
import type { FormatDef, ParseContext } from '../../src/parser/types.js';

const ctx: ParseContext = { zone: UTC, refMs: 0 };

/** A toy format claiming lines that start with `prefix`. */
function fmt(id: string, prefix: string): FormatDef {
  return {
    id,
    probe: () => true,
    parse: (line) =>
      line.startsWith(prefix)
        ? { format: id, ts: Number.NaN, level: 'info', message: line, service: null, host: null, fields: {} }
        : null,
  };
}

describe('createDetector', () => {
  // `a` claims lines starting with x, `b` claims any line starting with x or y: they overlap on x.
  const a = fmt('a', 'x');
  const b: FormatDef = {
    id: 'b',
    probe: () => true,
    parse: (line) =>
      /^[xy]/.test(line)
        ? { format: 'b', ts: Number.NaN, level: 'info', message: line, service: null, host: null, fields: {} }
        : null,
  };

  it('sticks to the first winner for a source, even when another format would also claim a line', () => {
    const d = createDetector([a, b]);
    expect(d.parse('s1', 'y1', ctx)?.format).toBe('b');
    expect(d.current('s1')).toBe('b');
    // `a` comes first in the order, but s1 sticks to b.
    expect(d.parse('s1', 'x1', ctx)?.format).toBe('b');
    // Another source detects on its own.
    expect(d.parse('s2', 'x1', ctx)?.format).toBe('a');
    expect(d.current('s2')).toBe('a');
  });

  it('still parses a line the winner misses, and re-probes after repeated misses', () => {
    const c = fmt('c', 'z');
    const d = createDetector([a, c]);
    expect(d.parse('s', 'x', ctx)?.format).toBe('a');
    for (let i = 1; i < REPROBE_AFTER; i++) {
      expect(d.parse('s', 'z', ctx)?.format).toBe('c');
      expect(d.current('s')).toBe('a');
    }
    expect(d.parse('s', 'z', ctx)?.format).toBe('c');
    expect(d.current('s')).toBe('c');
  });

  it('a single hit of the winner resets the miss count', () => {
    const c = fmt('c', 'z');
    const d = createDetector([a, c]);
    d.parse('s', 'x', ctx);
    for (let round = 0; round < 5; round++) {
      for (let i = 1; i < REPROBE_AFTER; i++) d.parse('s', 'z', ctx);
      d.parse('s', 'x', ctx);
    }
    expect(d.current('s')).toBe('a');
  });

  it('returns null when no format claims the line', () => {
    const d = createDetector([a]);
    expect(d.parse('s', 'q', ctx)).toBeNull();
    expect(d.current('s')).toBeNull();
  });

  it('skips formats whose probe says no', () => {
    let called = false;
    const never: FormatDef = {
      id: 'never',
      probe: () => false,
      parse: () => {
        called = true;
        return null;
      },
    };
    createDetector([never]).parse('s', 'x', ctx);
    expect(called).toBe(false);
  });

  it('settles a source no format claims: only one line in REPROBE_EVERY tries the formats', () => {
    let tries = 0;
    const counted: FormatDef = {
      id: 'x',
      probe: () => true,
      parse: (line) => {
        tries++;
        return a.parse(line, ctx);
      },
    };
    const d = createDetector([counted]);
    for (let i = 0; i < SETTLE_AFTER; i++) expect(d.parse('s', 'q', ctx)).toBeNull();
    expect(tries).toBe(SETTLE_AFTER);
    for (let i = 0; i < 4 * REPROBE_EVERY; i++) expect(d.parse('s', 'q', ctx)).toBeNull();
    expect(tries).toBe(SETTLE_AFTER + 4);
    // Another source is not settled by this one.
    expect(d.parse('t', 'x', ctx)?.format).toBe('a');
    expect(d.current('t')).toBe('x');
  });

  it('a line a format claims on a settled source ends the settling, and that format wins', () => {
    const d = createDetector([a]);
    for (let i = 0; i < SETTLE_AFTER; i++) d.parse('s', 'q', ctx);
    // Lines between two probes go to the fallback; the probing line is claimed.
    const got: (string | null)[] = [];
    for (let i = 0; i < REPROBE_EVERY; i++) got.push(d.parse('s', 'x', ctx)?.format ?? null);
    expect(got.filter((f) => f === 'a')).toHaveLength(1);
    expect(d.current('s')).toBe('a');
    // From then on every line is tried again.
    expect(d.parse('s', 'x', ctx)?.format).toBe('a');
    expect(d.parse('s', 'q', ctx)).toBeNull();
    expect(d.parse('s', 'x', ctx)?.format).toBe('a');
  });

  it('finds the first non-blank character', () => {
    expect(firstChar('  \t{')).toBe(123);
    expect(firstChar('   ')).toBe(0);
  });
});
