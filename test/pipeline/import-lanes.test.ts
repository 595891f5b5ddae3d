import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRealCorpus } from '../../bench/corpus/real-systems.js';
import { compileMultiline } from '../../src/collector/index.js';
import { createEncodePool, type EncodePool } from '../../src/pipeline/encode-pool.js';
import { importFiles } from '../../src/pipeline/import-files.js';
import type { StoreWriter } from '../../src/pipeline/store-writer.js';
import { type EncodedRows, TABLE_COLUMNS } from '../../src/storage/rows/index.js';
import { tempDir } from '../helpers/cli.js';

const OFFSET = TABLE_COLUMNS.findIndex((c) => c.name === 'offset');

/** A writer that records what each write held: per row, its source and offset, in order. */
function recordingWriter(delayMs = 0) {
  const rows: { source: string; offset: number }[] = [];
  let writes = 0;
  const writer = {
    async write(batch: EncodedRows) {
      writes++;
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const r = batch.rows;
      const offsets = r.columns.columns[OFFSET] as { values: Float64Array };
      for (let i = 0; i < r.columns.rows; i++) {
        rows.push({ source: r.keys[r.keyOf[i]].split('\0')[0], offset: offsets.values[i] });
      }
    },
  };
  return { writer: writer as unknown as StoreWriter, rows, writes: () => writes };
}

const pools: EncodePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function lanes(n: number): EncodePool[] {
  const made = Array.from({ length: n }, () => createEncodePool({ threads: 1, missingTime: 'previous' }));
  pools.push(...made);
  return made;
}

/** Files of real-shaped systems (stack traces among them), one system a file. */
function corpus(dir: string, perSystem: number): string[] {
  const systems = writeRealCorpus(perSystem * 30, { fromMs: 0, toMs: 86_400_000 * 90, seed: 11 });
  return systems.map((s) => {
    const path = join(dir, `${s.name}.log`);
    writeFileSync(path, `${s.lines.join('\n')}\n`);
    return path;
  });
}

describe('importing files on several lanes', () => {
  it('writes every file whole, in the order named, as one lane does', async () => {
    const dir = tempDir();
    const files = corpus(dir, 400);
    expect(files.length).toBeGreaterThan(5);
    const multiline = { ...compileMultiline({ mode: 'auto' }), builtIn: true };
    const one = recordingWriter();
    const a = await importFiles(files, { writer: one.writer, lanes: lanes(1), multiline });
    // A slow store: the lanes read ahead while the first files are written.
    const three = recordingWriter(5);
    const b = await importFiles(files, { writer: three.writer, lanes: lanes(3), multiline });
    expect(three.rows).toEqual(one.rows);
    expect(b.files).toEqual(a.files);
    expect(b.progress).toEqual(a.progress);
    // Rows of one file never interleave with another's: file after file, each in line order.
    const order = [...new Set(three.rows.map((r) => r.source))];
    expect(order).toEqual(files);
    for (let i = 1; i < three.rows.length; i++) {
      const [p, r] = [three.rows[i - 1], three.rows[i]];
      if (p.source === r.source) expect(r.offset).toBeGreaterThan(p.offset);
    }
  });

  it('stores nothing of the files after one that fails, and throws its error', async () => {
    const dir = tempDir();
    const files = corpus(dir, 200).slice(0, 6);
    const rec = recordingWriter(2);
    const run = importFiles(files, { writer: rec.writer, lanes: lanes(2) });
    // Named and found, then gone when its turn to be opened comes (after the first file).
    unlinkSync(files[2]);
    await expect(run).rejects.toThrow(/ENOENT/);
    const stored = [...new Set(rec.rows.map((r) => r.source))];
    expect(stored).toEqual(files.slice(0, 2));
  });
});
