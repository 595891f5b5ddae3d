import { describe, expect, it } from 'vitest';
import { levelFromHttpStatus, levelFromSyslogSeverity, normaliseLevel } from '../../src/core/levels.js';

describe('levels', () => {
  it('normalises the common spellings', () => {
    const cases: Record<string, string> = {
      INFO: 'info',
      Warning: 'warn',
      WARN: 'warn',
      err: 'error',
      SEVERE: 'error',
      CRITICAL: 'fatal',
      panic: 'fatal',
      notice: 'info',
      TRACE: 'trace',
      debug: 'debug',
      '[ERROR]': 'error',
      ' info ': 'info',
      E: 'error',
      W: 'warn',
      V: 'trace',
      bogus: 'unknown',
      '': 'unknown',
    };
    for (const [raw, level] of Object.entries(cases)) expect(normaliseLevel(raw), raw).toBe(level);
    expect(normaliseLevel(undefined)).toBe('unknown');
  });

  it('derives levels from HTTP status and syslog severity', () => {
    expect([200, 302, 404, 499, 500, 503].map(levelFromHttpStatus)).toEqual([
      'info',
      'info',
      'warn',
      'warn',
      'error',
      'error',
    ]);
    expect([0, 2, 3, 4, 5, 6, 7].map(levelFromSyslogSeverity)).toEqual([
      'fatal',
      'fatal',
      'error',
      'warn',
      'info',
      'info',
      'debug',
    ]);
  });
});
