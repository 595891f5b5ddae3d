import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  addChecksums,
  lineChecksum,
  type Manifest,
  readManifest,
  subtractChecksum,
  writeManifest,
} from '../../src/generator/manifest.js';
import { tempDir } from '../helpers/cli.js';

const LINES = ['alpha', 'beta', '', 'gamma ünïcode', '{"a":1}'];

describe('lineChecksum', () => {
  it('does not depend on order', () => {
    expect(lineChecksum(LINES)).toBe(lineChecksum([...LINES].reverse()));
  });

  it('counts duplicates (a line stored twice changes the sum)', () => {
    expect(lineChecksum([...LINES, 'beta'])).not.toBe(lineChecksum(LINES));
  });

  it('adds up over parts and subtracts them back', () => {
    const a = lineChecksum(LINES.slice(0, 2));
    const b = lineChecksum(LINES.slice(2));
    expect(addChecksums(a, b)).toBe(lineChecksum(LINES));
    expect(subtractChecksum(lineChecksum(LINES), b)).toBe(a);
  });

  it('hashes strings as UTF-8 and byte arrays as they are', () => {
    expect(lineChecksum([Buffer.from('gamma ünïcode')])).toBe(lineChecksum(['gamma ünïcode']));
    expect(lineChecksum([Buffer.from([0x61, 0xff])])).not.toBe(lineChecksum(['a\ufffd']));
  });

  it('is 16 hex digits, zero for no lines', () => {
    expect(lineChecksum([])).toBe('0000000000000000');
    expect(lineChecksum(LINES)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('manifest files', () => {
  const m: Manifest = {
    version: 1,
    format: 'json',
    seed: 1,
    first_ts: null,
    last_ts: null,
    complete: true,
    files: {
      'a.log': {
        lines: 5,
        bytes: 40,
        checksum: lineChecksum(LINES),
        multiline: 0,
        rotations: 0,
        noise: { lines: 0, bytes: 0, checksum: '0000000000000000', blank: 0, overlong: 0, invalid_utf8: 0 },
      },
    },
    total: {
      lines: 5,
      bytes: 40,
      checksum: lineChecksum(LINES),
      multiline: 0,
      noise: { lines: 0, bytes: 0, checksum: '0000000000000000', blank: 0, overlong: 0, invalid_utf8: 0 },
    },
  };

  it('round-trips through writeManifest and readManifest', () => {
    const path = join(tempDir(), 'm.json');
    writeManifest(path, m);
    expect(readManifest(path)).toEqual(m);
  });

  it('names the file and the problem when it is not a manifest', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version":1,"files":{"x":{"lines":1}},"total":{}}');
    expect(() => readManifest(bad)).toThrow(UserError);
    expect(() => readManifest(bad)).toThrow(
      /bad\.json: file "x" lacks lines, bytes or a 16-hex-digit checksum/,
    );
    expect(() => readManifest(join(dir, 'none.json'))).toThrow(/cannot read manifest .*none\.json: ENOENT/);
    writeFileSync(bad, '{"version":2}');
    expect(() => readManifest(bad)).toThrow(/unsupported version 2/);
  });
});
