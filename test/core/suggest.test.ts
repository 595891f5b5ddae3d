import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/core/suggest.js';

describe('suggestions', () => {
  it('measures edits, with a swap of neighbours as one', () => {
    expect(editDistance('path', 'paths')).toBe(1);
    expect(editDistance('batch_sise', 'batch_size')).toBe(1);
    expect(editDistance('jsno', 'json')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests a close name, or one the word starts, and nothing for a stranger', () => {
    expect(closest('path', ['paths', 'exclude', 'format'])).toBe('paths');
    expect(closest('apache', ['auto', 'apache_combined', 'apache_common'])).toBe('apache_combined');
    expect(closest('Server', ['server', 'storage'])).toBe('server');
    expect(closest('zzzz', ['data_dir', 'server'])).toBeNull();
    expect(closest('ab', ['abcdef'])).toBeNull();
    expect(didYouMean('sever', ['server'])).toBe('; did you mean "server"?');
    expect(didYouMean('zzzz', ['server'])).toBe('');
  });
});
