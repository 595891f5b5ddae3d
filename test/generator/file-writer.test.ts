import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { FileWriter } from '../../src/generator/file-writer.js';
import { tempDir } from '../helpers/cli.js';

describe('FileWriter', () => {
  it('appends chunks in order, coalescing while a write is in flight', async () => {
    const path = join(tempDir(), 'a.log');
    writeFileSync(path, 'existing\n');
    const w = new FileWriter(path);
    const want = ['existing\n'];
    for (let i = 0; i < 500; i++) {
      const chunk = `line ${i}\n`.repeat(1 + (i % 7));
      want.push(chunk);
      if (!w.write(Buffer.from(chunk))) await w.drain();
    }
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe(want.join(''));
  });

  it('reports backpressure past its high-water mark and recovers on drain', async () => {
    const w = new FileWriter(join(tempDir(), 'b.log'));
    const big = Buffer.alloc(1024 * 1024, 0x61);
    let full = false;
    for (let i = 0; i < 8 && !full; i++) full = !w.write(big);
    expect(full).toBe(true);
    await w.drain();
    expect(w.pending).toBeLessThan(4 * 1024 * 1024);
    await w.close();
  });

  it('hands written chunks back for reuse', async () => {
    const w = new FileWriter(join(tempDir(), 'c.log'));
    const chunk = Buffer.alloc(128 * 1024, 0x62);
    w.write(chunk);
    await w.flush();
    expect(w.recycle()?.buffer).toBe(chunk.buffer);
    await w.close();
  });

  it('rotates by rename: app.log → app.log.1, older pieces shift, beyond keep they go', async () => {
    const path = join(tempDir(), 'app.log');
    const w = new FileWriter(path);
    for (let i = 1; i <= 4; i++) {
      w.write(Buffer.from(`piece ${i}\n`));
      await w.rotate('rename', 2);
    }
    w.write(Buffer.from('current\n'));
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('current\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('piece 4\n');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('piece 3\n');
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('rotates by copytruncate: copies, then writes on from the start of the same file', async () => {
    const path = join(tempDir(), 'app.log');
    const w = new FileWriter(path);
    w.write(Buffer.from('first\n'));
    await w.rotate('copytruncate', 3);
    w.write(Buffer.from('second\n'));
    await w.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('first\n');
    expect(readFileSync(path, 'utf8')).toBe('second\n');
  });

  it('throws a UsageError naming a file it cannot open', () => {
    const blocker = join(tempDir(), 'blocker');
    writeFileSync(blocker, '');
    expect(() => new FileWriter(join(blocker, 'x.log'))).toThrow(UsageError);
  });
});
