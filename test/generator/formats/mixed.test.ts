import { describe, expect, it } from 'vitest';
import { getFormat } from '../../../src/generator/formats/index.js';
import { renderMany } from '../helpers.js';

describe('mixed', () => {
  it('interleaves every format', () => {
    const lines = renderMany(getFormat('mixed'), 3000).map((r) => r.text);
    const kinds = new Set(
      lines.map((l) =>
        l.startsWith('{')
          ? 'json'
          : l.startsWith('time=')
            ? 'logfmt'
            : l.startsWith('<') && l.includes('>1 ')
              ? '5424'
              : l.startsWith('<')
                ? '3164'
                : l.startsWith('[') && l.includes('] [pid')
                  ? 'apache_error'
                  : l.startsWith('[')
                    ? 'app'
                    : /^\d{4}\/\d\d\/\d\d /.test(l)
                      ? 'nginx_error'
                      : /^\d{4}-\d\d-\d\d .* - (DEBUG|INFO|WARNING|ERROR) - /.test(l)
                        ? 'python'
                        : /^\d{4}-\d\d-\d\d /.test(l)
                          ? 'java'
                          : /"$/.test(l)
                            ? 'access with agent'
                            : 'apache_common',
      ),
    );
    expect(kinds.size).toBe(11);
  });
});
