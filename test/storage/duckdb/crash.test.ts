/**
 * SIGKILL at random moments during ingest, sealing and retention: the store must reopen, hold
 * every acknowledged event, and store nothing twice when the sender replays.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { tempDir } from '../../helpers/cli.js';

const CHILD = resolve(import.meta.dirname, '../../fixtures/store-crash-child.mjs');
/** More than any kill run can write: each run is cut short by its kill. */
const ENDLESS = 100_000_000;

/**
 * Runs the writer; kills it `killAfterMs` after its first acknowledgement (so the kill lands in
 * ingest or sealing, whatever the machine's speed). Returns the last acked count.
 */
function runChild(
  path: string,
  total: number,
  killAfterMs: number | null,
): Promise<{ acked: number; finished: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CHILD, path, String(total)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = 0;
    let finished = false;
    let stderr = '';
    let buf = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (b: Buffer) => {
      if (killAfterMs !== null && timer === null)
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      buf += b.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith('acked ')) acked = Number(l.slice(6));
        if (l === 'done') finished = true;
      }
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`writer failed (${code}): ${stderr}`));
      else resolvePromise({ acked, finished });
    });
  });
}

async function check(path: string): Promise<{ rows: number; distinct: number }> {
  const store = await openDuckDbStore({ path, readOnly: true });
  try {
    const r = await store.query({
      sql: 'SELECT count(*) AS rows, count(DISTINCT "offset") AS d FROM logs',
      params: [],
    });
    return { rows: r.rows[0].rows as number, distinct: r.rows[0].d as number };
  } finally {
    await store.close();
  }
}

describe('DuckDB store under SIGKILL', () => {
  it('keeps every acknowledged event and nothing twice across six kills', async () => {
    const path = join(tempDir(), 'store', 'logs.duckdb');
    // Kill points spread over early ingest, steady ingest, and passes that compact segments and
    // seal them (each pass compacts first, then seals the finished hours).
    const delays = [50, 200, 400, 650, 900, 1300];
    let most = 0;
    for (const delay of delays) {
      const { acked, finished } = await runChild(path, ENDLESS, delay);
      expect(finished).toBe(false);
      const { rows, distinct } = await check(path);
      expect(distinct).toBe(rows); // nothing twice
      expect(rows).toBeGreaterThanOrEqual(acked); // nothing acknowledged lost
      most = Math.max(most, rows);
    }
    // A last run replays everything stored so far and goes a little further.
    const total = most + 5000;
    const last = await runChild(path, total, null);
    expect(last.finished).toBe(true);
    expect(await check(path)).toEqual({ rows: total, distinct: total });
  });
});
