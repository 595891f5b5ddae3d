import { describe, expect, it } from 'vitest';
import {
  doubleLiteral,
  jsonKeyPathLiteral,
  likePattern,
  numberLiteral,
} from '../../src/core/sql-literals.js';

describe('SQL literals', () => {
  it('escapes LIKE patterns, turning * into % only when asked', () => {
    expect(likePattern('/api/*', true)).toBe('/api/%');
    expect(likePattern('50%_a\\b*', true)).toBe('50\\%\\_a\\\\b%');
    expect(likePattern('a*', false)).toBe('a*');
  });

  it('quotes JSON keys that the lexer allows, and refuses any other', () => {
    expect(jsonKeyPathLiteral('http.method')).toBe(`'$."http.method"'`);
    expect(jsonKeyPathLiteral('@ts')).toBe(`'$."@ts"'`);
    for (const bad of [`a'`, 'a"', 'a b', '', '1a', "x') OR 1=1 --"]) {
      expect(() => jsonKeyPathLiteral(bad), bad).toThrow(/unsafe JSON key/);
    }
  });

  it('renders doubles in exponent form, which reads back as exactly the same double', () => {
    for (const x of [0.5, 0.99, 0.999, 0.9990000000000001, 0.9998999999999999, 1e-7, 123.456, -2.5]) {
      expect(doubleLiteral(x)).toMatch(/e/);
      expect(Number(doubleLiteral(x))).toBe(x);
    }
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) expect(() => doubleLiteral(bad)).toThrow();
  });

  it('renders only finite, non-negative numbers', () => {
    expect(numberLiteral(100)).toBe('100');
    expect(numberLiteral(0.99)).toBe('0.99');
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => numberLiteral(bad)).toThrow();
  });
});
