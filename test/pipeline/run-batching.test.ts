/**
 * `logpipe run` with appends larger than one source's default reach: the sources must be allowed
 * enough unacknowledged batches to fill an append, or every append waits out the flush interval.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { memoryLogger } from '../../src/core/log.js';
import { startPipeline } from '../../src/pipeline/run.js';
import { batchesInFlight, SOURCE_BATCH_LINES } from '../../src/pipeline/sources.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

describe('batches a source may have unacknowledged', () => {
  it('cover two whole appends, and never fewer than 8', () => {
    expect(batchesInFlight(1)).toBe(8);
    expect(batchesInFlight(10_000)).toBe(8);
    for (const size of [20_000, 40_001, 50_000, 123_457]) {
      expect(batchesInFlight(size) * SOURCE_BATCH_LINES).toBeGreaterThanOrEqual(2 * size);
    }
  });
});

describe('logpipe run with a large storage.batch_size', () => {
  it('fills whole appends without waiting for the flush interval', async () => {
    const dir = tempDir();
    const file = join(dir, 'app.log');
    const LINES = 60_000;
    const lines: string[] = [];
    for (let i = 0; i < LINES; i++) lines.push(`2026-12-03T10:00:00Z INFO line ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const config = loadConfig({
      base: {
        data_dir: join(dir, 'data'),
        sources: [{ type: 'file', paths: [file], poll_interval: '50ms' }],
        // Far longer than the test may run: only full appends can be stored before the stop.
        storage: { batch_size: 50_000, flush_interval: '10m' },
        parse: { workers: 0 },
        server: { port: 0 },
      },
    });
    const abort = new AbortController();
    const run = await startPipeline({ config, signal: abort.signal, log: memoryLogger() });
    try {
      await waitFor(
        'a full append of 50,000 events',
        async () => (run.stats().writer.stored >= 50_000 ? true : undefined),
        60_000,
      );
    } finally {
      abort.abort();
      await run.done;
    }
    expect(run.stats().writer.stored).toBe(LINES);
  }, 90_000);
});
