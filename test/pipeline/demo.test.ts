import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { demoConfig } from '../../src/pipeline/demo.js';

describe('shipped configs', () => {
  it('the built-in demo validates and lives under the data dir', () => {
    const c = loadConfig({ base: demoConfig(), overrides: { data_dir: '/d' } });
    expect(c.generators.map((g) => g.path)).toEqual(['/d/demo/web.log', '/d/demo/api.log']);
    expect(c.sources.flatMap((s) => (s.type === 'file' ? s.paths : []))).toEqual([
      '/d/demo/web.log',
      '/d/demo/api.log',
    ]);
  });

  it('logpipe.example.yaml validates', () => {
    const c = loadConfig({ file: resolve(import.meta.dirname, '../../logpipe.example.yaml') });
    expect(c.sources[0]).toMatchObject({ paths: ['./logpipe-data/demo/*.log', '/var/log/nginx/access.log'] });
    expect(c.server.port).toBe(7280);
  });
});
