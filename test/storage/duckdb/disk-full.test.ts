/**
 * A full disk, for real: the store lives on a small tmpfs. Appends fail with a clear error,
 * the writer keeps the events and retries (nothing acknowledged that is not stored), and ingest
 * resumes once space returns. Needs root to mount, as CI runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import { memoryLogger } from '../../../src/core/log.js';
import { StoreWriter } from '../../../src/pipeline/store-writer.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { tempDir } from '../../helpers/cli.js';

let mnt = '';

beforeAll(() => {
  mnt = tempDir('logpipe-full-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]);
});

afterAll(() => {
  execFileSync('umount', ['-l', mnt]); // lazy: a failed test may leave the store open
});

function batch(start: number, n: number): LogEvent[] {
  return Array.from({ length: n }, (_, k) => ({
    ts: Date.now() * 1000,
    level: 'info' as const,
    service: 'x',
    host: null,
    source: 'disk-full',
    generation: 'g',
    offset: start + k,
    format: 'unknown',
    // Random text, so compression cannot make the disk last forever.
    message: `${Math.random().toString(36)}${Math.random().toString(36)}`,
    fields: {},
    raw: `${rnd()}${rnd()}${rnd()}${rnd()}${rnd()}${rnd()} ${start + k}`,
  }));
}

function rnd(): string {
  return Math.random().toString(36);
}

describe('store on a full disk', () => {
  it('pauses ingest with a clear error, loses nothing, and resumes when space returns', async () => {
    const filler = join(mnt, 'filler');
    writeFileSync(filler, Buffer.alloc(14 * 1024 * 1024, 1));
    mkdirSync(join(mnt, 'store'));
    const path = join(mnt, 'store', 'logs.duckdb');
    const store = await openDuckDbStore({ path });
    const log = memoryLogger();
    const writer = new StoreWriter(store, { batchSize: 1000, flushIntervalMs: 10, log });
    const acked: number[] = [];
    const total = 20_000;
    const writes = (async () => {
      for (let i = 0; i < total; i += 1000) {
        await writer.write(batch(i, 1000), (err) => {
          if (!err) acked.push(i);
        });
      }
    })();
    // Wait until the disk is full and the writer is retrying.
    const deadline = Date.now() + 30_000;
    while (writer.stats().retries < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(writer.stats().retries).toBeGreaterThanOrEqual(2);
    expect(log.lines.some((l) => l.includes('the disk holding') && l.includes('is full'))).toBe(true);
    const ackedWhileFull = acked.length;
    expect(ackedWhileFull).toBeLessThan(total / 1000);

    rmSync(filler); // space returns
    await writes;
    await writer.close();
    expect(acked).toHaveLength(total / 1000);
    const r = await store.query({
      sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
      params: [],
    });
    expect(r.rows[0]).toEqual({ n: total, d: total });
    await store.close();
  });
});
