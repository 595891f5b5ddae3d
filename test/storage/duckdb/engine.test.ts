import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../../src/core/errors.js';
import type { LogEvent } from '../../../src/core/events.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { tempDir } from '../../helpers/cli.js';

function ev(offset: number, extra: Partial<LogEvent> = {}): LogEvent {
  return {
    ts: Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + offset,
    level: 'info',
    service: 'web',
    host: null,
    source: '/var/log/a.log',
    generation: 'g1',
    offset,
    format: 'apache_combined',
    message: `GET /x/${offset}`,
    fields: { status: 200, path: `/x/${offset}`, bytes: 512, region: 'eu', slow: false },
    raw: `line ${offset}`,
    ...extra,
  };
}

describe('DuckDB store', () => {
  it('runs DuckDB within the configured memory limit', async () => {
    const store = await openDuckDbStore({ path: ':memory:', memoryLimitBytes: 256 * 1024 * 1024 });
    try {
      const r = await store.query({ sql: "SELECT current_setting('memory_limit') AS m", params: [] });
      expect(r.rows[0].m).toBe('256.0 MiB');
    } finally {
      await store.close();
    }
  });

  it('stores a batch and reads it back with typed columns and fields', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const r = await store.append([ev(0), ev(10, { fields: { status: 503, latency_ms: 12.5, note: 'x' } })]);
    expect(r).toEqual({ stored: 2, duplicates: 0 });
    const q = await store.query({
      sql: 'SELECT ts, status, path, bytes, latency_ms, fields, "offset" FROM logs ORDER BY "offset"',
      params: [],
    });
    expect(q.rows[0]).toEqual({
      ts: '2026-01-02T03:04:05.000000Z',
      status: 200,
      path: '/x/0',
      bytes: 512,
      latency_ms: null,
      fields: { region: 'eu', slow: false },
      offset: 0,
    });
    expect(q.rows[1]).toMatchObject({
      ts: '2026-01-02T03:04:05.000010Z',
      status: 503,
      latency_ms: 12.5,
      fields: { note: 'x' },
    });
    await store.close();
  });

  it('keeps a value that does not fit its promoted column in the fields JSON', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    await store.append([ev(0, { fields: { status: 'OK', bytes: 1.5 } })]);
    const q = await store.query({ sql: 'SELECT status, bytes, fields FROM logs', params: [] });
    expect(q.rows[0]).toEqual({ status: null, bytes: null, fields: { status: 'OK', bytes: 1.5 } });
    await store.close();
  });

  it('skips events re-sent with the same source, generation and offset', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    expect(await store.append([ev(0), ev(10), ev(20)])).toEqual({ stored: 3, duplicates: 0 });
    // A replay after a crash overlaps what was committed, then goes on.
    expect(await store.append([ev(10), ev(20), ev(30)])).toEqual({ stored: 1, duplicates: 2 });
    // Another generation of the same source (a rotated file) is new data.
    expect(await store.append([ev(0, { generation: 'g2' })])).toEqual({ stored: 1, duplicates: 0 });
    // Events without identity are always stored.
    expect(await store.append([ev(0, { generation: '' }), ev(0, { generation: '' })])).toEqual({
      stored: 2,
      duplicates: 0,
    });
    expect((await store.stats()).rows).toBe(7);
    await store.close();
  });

  it('remembers committed offsets across a reopen', async () => {
    const dir = tempDir();
    const path = join(dir, 'store', 'logs.duckdb');
    let store = await openDuckDbStore({ path });
    await store.append([ev(0), ev(10)]);
    await store.close();
    store = await openDuckDbStore({ path });
    expect(await store.append([ev(0), ev(10), ev(20)])).toEqual({ stored: 1, duplicates: 2 });
    const stats = await store.stats();
    expect(stats.rows).toBe(3);
    expect(stats.bytes_on_disk).toBeGreaterThan(0);
    await store.close();
  });

  it('opens read-only beside no writer, and refuses writes', async () => {
    const path = join(tempDir(), 'logs.duckdb');
    const w = await openDuckDbStore({ path });
    await w.append([ev(0)]);
    await w.close();
    const ro = await openDuckDbStore({ path, readOnly: true });
    expect((await ro.stats()).rows).toBe(1);
    await expect(ro.append([ev(1)])).rejects.toBeInstanceOf(StorageError);
    await ro.close();
  });

  it('reports a missing store clearly when opened read-only', async () => {
    const path = join(tempDir(), 'nothing.duckdb');
    await expect(openDuckDbStore({ path, readOnly: true })).rejects.toThrow(
      /nothing has been stored|cannot open/,
    );
  });

  it('caps the rows a query returns', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    await store.append(Array.from({ length: 50 }, (_, i) => ev(i)));
    const q = await store.query({ sql: 'SELECT "offset" FROM logs', params: [] }, { maxRows: 7 });
    expect(q.rows).toHaveLength(7);
    await store.close();
  });

  it('runs appends one after another when called concurrently', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const results = await Promise.all([store.append([ev(0), ev(1)]), store.append([ev(1), ev(2)])]);
    expect(results).toEqual([
      { stored: 2, duplicates: 0 },
      { stored: 1, duplicates: 1 },
    ]);
    await store.close();
  });
});
