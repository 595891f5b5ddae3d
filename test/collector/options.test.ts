import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/collector/options.js';
import { validateConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';

describe('resolveOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveOptions({ paths: ['a.log'], checkpointPath: 'ck.json' })).toMatchObject({
      exclude: [],
      startAt: 'beginning',
      pollIntervalMs: 250,
      maxLineBytes: 1024 * 1024,
      maxBatchLines: 5000,
      maxBatchesInFlight: 8,
      closeTimeoutMs: 5000,
      copyWaitMs: 3000,
      warnIfNoCheckpoint: true,
      multiline: null,
    });
  });

  it('names the bad option in a ConfigError', () => {
    const bad: Array<[object, RegExp]> = [
      [{ paths: [] }, /paths/],
      [{ paths: [''] }, /paths/],
      [{ exclude: [''] }, /exclude/],
      [{ checkpointPath: '' }, /checkpointPath/],
      [{ startAt: 'middle' }, /startAt/],
      [{ pollIntervalMs: 0 }, /pollIntervalMs/],
      [{ maxLineBytes: 1.5 }, /maxLineBytes/],
      [{ maxBatchesInFlight: 0 }, /maxBatchesInFlight/],
      [{ multiline: { mode: 'pattern', start: '[' } }, /multiline\.start/],
    ];
    for (const [patch, re] of bad) {
      const opts = { paths: ['a.log'], checkpointPath: 'ck.json', ...patch };
      expect(() => resolveOptions(opts as never)).toThrow(ConfigError);
      expect(() => resolveOptions(opts as never)).toThrow(re);
    }
  });

  it('has the defaults the config schema writes for a file source', () => {
    const config = validateConfig({
      sources: [{ type: 'file', paths: ['a.log'], multiline: { mode: 'java' } }],
    });
    const source = config.sources[0];
    expect(source).toMatchObject({
      start_at: 'beginning',
      max_line_bytes: 1024 * 1024,
      poll_interval: '250ms',
      multiline: { timeout: '1s', max_lines: 500 },
    });
    const opts = resolveOptions({
      paths: ['a.log'],
      checkpointPath: 'ck.json',
      multiline: { mode: 'java' },
    });
    expect(source.type === 'file' && source.start_at).toBe(opts.startAt);
    expect(source.type === 'file' && source.max_line_bytes).toBe(opts.maxLineBytes);
    expect(opts.pollIntervalMs).toBe(250);
    expect([opts.multiline?.timeoutMs, opts.multiline?.maxLines]).toEqual([1000, 500]);
  });
});
