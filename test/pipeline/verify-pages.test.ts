/**
 * `verify` on a store still receiving rows: pages that follow the key never read a line twice
 * or skip one when rows arrive between them; rows stored twice are counted wherever they fall.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { lineChecksum, type Manifest } from '../../src/generator/index.js';
import { type SqlRunner, verifyManifest } from '../../src/pipeline/verify.js';

const N = 120_000; // more than two pages of 50,000

function manifestOf(lines: string[]): Manifest {
  const stats = { lines: lines.length, bytes: 0, checksum: lineChecksum(lines) };
  const noise = { lines: 0, bytes: 0, checksum: lineChecksum([]), blank: 0, overlong: 0, invalid_utf8: 0 };
  return {
    version: 1,
    format: 'plain',
    seed: 1,
    first_ts: null,
    last_ts: null,
    complete: true,
    files: { '/logs/app.log': { ...stats, multiline: 0, rotations: 1, noise } },
    total: { ...stats, multiline: 0, noise },
  };
}

/** A `logs` table holding lines 0..N-1 of /logs/app.log (line k at offset 10k), but those in `missing`. */
async function storeOf(missing: number[]): Promise<{ run: SqlRunner; exec: (sql: string) => Promise<void> }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `CREATE TABLE logs AS SELECT CASE WHEN i < ${N / 2} THEN '/logs/app.log.1' ELSE '/logs/app.log' END AS source, 'g' AS generation, i * 10 AS "offset", 'line ' || i AS raw, '{}' AS fields FROM range(${N}) t(i) WHERE i NOT IN (${missing.join(',') || '-1'})`,
  );
  return {
    run: async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    exec: async (sql) => {
      await c.run(sql);
    },
  };
}

const lines = Array.from({ length: N }, (_, i) => `line ${i}`);

describe('verify pages', () => {
  it('reads a line arriving between pages at most once, and never skips another', async () => {
    const { run, exec } = await storeOf([60_010]);
    let pages = 0;
    const arriving: SqlRunner = async (sql) => {
      const rows = await run(sql);
      // After the first page (of app.log, which sorts first), its late line 60010 lands before
      // the page's end.
      if (sql.includes('LIMIT') && ++pages === 1)
        await exec(`INSERT INTO logs VALUES ('/logs/app.log', 'g', 600100, 'line 60010', '{}')`);
      return rows;
    };
    const first = await verifyManifest(manifestOf(lines), arriving, '/');
    expect(first.files[0]).toMatchObject({ lost: 1, duplicated: 0, stored: N - 1 });
    const again = await verifyManifest(manifestOf(lines), run, '/');
    expect(again).toMatchObject({ ok: true, lost: 0, duplicated: 0 });
  });

  it('counts a line stored twice, on a page boundary or not', async () => {
    const { run, exec } = await storeOf([]);
    await exec(`INSERT INTO logs VALUES ('/logs/app.log.1', 'g', ${49_999 * 10}, 'line 49999', '{}')`);
    await exec(`INSERT INTO logs VALUES ('/logs/app.log', 'g', ${70_000 * 10}, 'line 70000', '{}')`);
    const v = await verifyManifest(manifestOf(lines), run, '/');
    expect(v).toMatchObject({ ok: false, lost: 0, duplicated: 2 });
    expect(v.files[0].stored).toBe(N);
  });
});
