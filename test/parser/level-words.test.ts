import { describe, expect, it } from 'vitest';
import { levelLetter, levelToken, levelWord } from '../../src/parser/level-words.js';

describe('level words', () => {
  it('knows words in upper, lower and capitalised case', () => {
    expect(levelWord('WARNING')).toBe('warn');
    expect(levelWord('Critical')).toBe('fatal');
    expect(levelWord('notice')).toBe('info');
    expect(levelWord('wArN')).toBeUndefined();
    expect(levelWord('hello')).toBeUndefined();
  });

  it('knows single letters in upper case only', () => {
    expect(levelLetter('E')).toBe('error');
    expect(levelLetter('e')).toBeUndefined();
  });

  it('strips brackets and a colon from tokens', () => {
    const t = (s: string) => levelToken(s, 0, s.length);
    expect(t('[ERROR]')).toBe('error');
    expect(t('<warn>')).toBe('warn');
    expect(t('INFO:')).toBe('info');
    expect(t('(debug):')).toBe('debug');
    expect(t('E')).toBeUndefined();
    expect(t('[]')).toBeUndefined();
  });
});
