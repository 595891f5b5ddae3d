import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOverrides, loadConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/cli.js';

function yamlFile(text: string): string {
  const f = join(tempDir(), 'logpipe.yaml');
  writeFileSync(f, text);
  return f;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills defaults for an empty file', () => {
    const c = loadConfig({ file: yamlFile('') });
    expect(c.data_dir).toBe('./logpipe-data');
    expect(c.server).toEqual({ host: '127.0.0.1', port: 7280 });
    expect(c.storage.batch_size).toBe(10_000);
    expect(c.sources).toEqual([]);
  });

  it('reads sources with their defaults', () => {
    const c = loadConfig({ file: yamlFile('sources:\n  - type: file\n    paths: [/var/log/*.log]\n') });
    expect(c.sources[0]).toMatchObject({
      type: 'file',
      paths: ['/var/log/*.log'],
      format: 'auto',
      start_at: 'beginning',
    });
  });

  it('names an unknown key with its path', () => {
    const e = errorOf(() => loadConfig({ file: yamlFile('storage:\n  batch_sise: 10\n') }));
    expect(e.key).toBe('storage');
    expect(e.message).toBe('config storage: unknown key "batch_sise"; did you mean "batch_size"?');
  });

  it('names a misspelt key rather than the key it leaves missing (#29)', () => {
    const e = errorOf(() => loadConfig({ file: yamlFile('sources:\n  - type: file\n    path: [a]\n') }));
    expect(e.message).toBe('config sources[0]: unknown key "path"; did you mean "paths"?');
    const far = errorOf(() => loadConfig({ file: yamlFile('zzzz: 1\n') }));
    expect(far.message).toBe(
      'config: unknown key "zzzz"; known keys here: data_dir, generators, sources, parse, storage, server, display',
    );
    const nested = errorOf(() =>
      loadConfig({
        file: yamlFile(
          'sources:\n  - type: file\n    paths: [a]\n    multiline: { mode: java, tmeout: 5s }\n',
        ),
      }),
    );
    expect(nested.message).toBe('config sources[0].multiline: unknown key "tmeout"; did you mean "timeout"?');
  });

  it('names the kinds of source when the type is wrong or missing', () => {
    const bad = errorOf(() => loadConfig({ file: yamlFile('sources:\n  - type: files\n    paths: [a]\n') }));
    expect(bad.message).toBe(
      'config sources[0].type: expected "file" or "syslog", got string "files"; did you mean "file"?',
    );
    const none = errorOf(() => loadConfig({ file: yamlFile('sources:\n  - paths: [a]\n') }));
    expect(none.message).toBe('config sources[0].type: expected "file" or "syslog", got nothing');
  });

  it('names a wrongly typed value with what was expected', () => {
    const e = errorOf(() => loadConfig({ file: yamlFile('sources:\n  - type: file\n    paths: 5\n') }));
    expect(e.message).toBe('config sources[0].paths: expected array, got number 5');
  });

  it('names a bad enum value', () => {
    const e = errorOf(() =>
      loadConfig({ file: yamlFile('sources:\n  - type: file\n    paths: [a]\n    start_at: middle\n') }),
    );
    expect(e.message).toBe(
      'config sources[0].start_at: expected one of "beginning", "end", got string "middle"',
    );
  });

  it('points at the line of a YAML syntax error', () => {
    const e = errorOf(() => loadConfig({ file: yamlFile('server:\n  port: [1,\n') }));
    expect(e.message).toMatch(/logpipe\.yaml:\d+:\d+/);
  });

  it('reports a missing file in one line', () => {
    const e = errorOf(() => loadConfig({ file: '/nonexistent/logpipe.yaml' }));
    expect(e.message).toBe('config: cannot read /nonexistent/logpipe.yaml: no such file');
  });

  it('applies env overrides over the file, and flags over env', () => {
    const file = yamlFile('server:\n  port: 9000\nstorage:\n  batch_size: 5\n');
    const env = {
      LOGPIPE_SERVER__PORT: '9100',
      LOGPIPE_DATA_DIR: '/tmp/d',
      LOGPIPE_STORAGE__BATCH_SIZE: '7',
    };
    const c = loadConfig({ file, env, overrides: { 'storage.batch_size': 8 } });
    expect(c.server.port).toBe(9100);
    expect(c.data_dir).toBe('/tmp/d');
    expect(c.storage.batch_size).toBe(8);
  });

  it('names the key of a bad env override', () => {
    const e = errorOf(() => loadConfig({ env: { LOGPIPE_SERVER__PORT: 'eighty' } }));
    expect(e.message).toBe('config server.port: expected number, got string "eighty"');
  });

  it('maps env names to dotted keys and reads scalars', () => {
    expect(envOverrides({ LOGPIPE_STORAGE__BATCH_SIZE: '10', LOGPIPE_X: 'true', PATH: '/bin' })).toEqual({
      'storage.batch_size': 10,
      x: true,
    });
  });

  it('expands ${data_dir} in generator and source paths', () => {
    const c = loadConfig({
      base: {
        data_dir: '/data',
        generators: [{ format: 'json', path: '${data_dir}/demo/a.log' }],
        sources: [{ type: 'file', paths: ['${data_dir}/demo/*.log'] }],
      },
    });
    expect(c.generators[0].path).toBe('/data/demo/a.log');
    expect(c.sources[0]).toMatchObject({ paths: ['/data/demo/*.log'] });
  });
});
