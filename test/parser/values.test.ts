import { describe, expect, it } from 'vitest';
import { pair, readPair, typedValue } from '../../src/parser/values.js';

describe('typedValue', () => {
  it('types numbers and booleans, keeps IPs, paths, IDs and versions as text, drops `-`', () => {
    expect(typedValue('42')).toBe(42);
    expect(typedValue('-3.5')).toBe(-3.5);
    expect(typedValue('0')).toBe(0);
    expect(typedValue('0.25')).toBe(0.25);
    expect(typedValue('true')).toBe(true);
    expect(typedValue('10.0.0.1')).toBe('10.0.0.1');
    expect(typedValue('1.2.3')).toBe('1.2.3');
    expect(typedValue('/var/log')).toBe('/var/log');
    expect(typedValue('007')).toBe('007');
    expect(typedValue('1234567890123456')).toBe('1234567890123456');
    expect(typedValue('1e5')).toBe('1e5');
    expect(typedValue('12.')).toBe('12.');
    expect(typedValue('-')).toBeUndefined();
    expect(typedValue('')).toBeUndefined();
  });
});

describe('readPair', () => {
  it('reads bare and quoted pairs', () => {
    expect(readPair('a=b c', 0, '')).toBe(true);
    expect([pair.key, pair.value, pair.quoted, pair.end]).toEqual(['a', 'b', false, 3]);
    expect(readPair('k="x \\"y\\"\\n" z', 0, '')).toBe(true);
    expect([pair.value, pair.quoted]).toEqual(['x "y"\n', true]);
    expect(readPair('k=v,w', 0, ',')).toBe(true);
    expect(pair.value).toBe('v');
  });

  it('refuses what is not a pair', () => {
    expect(readPair('=v', 0, '')).toBe(false);
    expect(readPair('k v', 0, '')).toBe(false);
    expect(readPair('1k=v', 0, '')).toBe(false);
    expect(readPair('k="open', 0, '')).toBe(false);
  });
});
