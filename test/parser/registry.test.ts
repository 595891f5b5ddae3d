import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { AUTO_ORDER, FORMAT_IDS, findFormat, resolveFormat } from '../../src/parser/registry.js';

describe('registry', () => {
  it('lists every format of the issue, lowercase with underscores', () => {
    for (const id of [
      'apache_common',
      'apache_combined',
      'apache_error',
      'nginx_access',
      'nginx_error',
      'syslog_rfc3164',
      'syslog_rfc5424',
      'json',
      'logfmt',
      'kv',
      'log4j',
      'python',
      'go',
      'klog',
      'logcat',
      'cef',
      'app',
      'generic',
      'unknown',
    ]) {
      expect(FORMAT_IDS).toContain(id);
      expect(findFormat(id)?.id).toBe(id);
    }
    expect(FORMAT_IDS.at(-1)).toBe('unknown');
    for (const id of FORMAT_IDS) expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('never auto-detects the fallbacks', () => {
    expect(AUTO_ORDER.map((f) => f.id)).not.toContain('generic');
    expect(AUTO_ORDER.map((f) => f.id)).not.toContain('unknown');
  });

  it('resolves names', () => {
    expect(resolveFormat('auto')).toBeNull();
    expect(resolveFormat(undefined)).toBeNull();
    expect(resolveFormat('json')?.id).toBe('json');
    expect(() => resolveFormat('xml')).toThrow(UsageError);
  });
});
