import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { storeOptions } from '../../src/pipeline/open-store.js';

describe('storeOptions', () => {
  it('seals unsealed segments early past storage.unsealed_max, and holds appends at twice it', () => {
    expect(storeOptions(loadConfig({})).compaction).toEqual({ sealBytes: 1e9, maxBytes: 2e9 });
    const c = loadConfig({ overrides: { 'storage.unsealed_max': '256MB' } });
    expect(storeOptions(c).compaction).toEqual({ sealBytes: 256e6, maxBytes: 512e6 });
  });

  it('names a bad size', () => {
    expect(() => loadConfig({ overrides: { 'storage.unsealed_max': 'lots' } })).toThrow(ConfigError);
    expect(() => loadConfig({ overrides: { 'storage.unsealed_max': 'lots' } })).toThrow(
      /storage\.unsealed_max/,
    );
  });
});
