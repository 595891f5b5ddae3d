/**
 * The kinds of StorageError the DuckDB store makes, each from a real failure: a store another
 * process owns, nothing stored yet, a read-only store asked to write, a closed store, a query
 * past its time limit or refused, and (on small tmpfs mounts, which need root) a full disk and a
 * read-only file system.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageError, StorageError, type StorageErrorKind } from '../../../src/core/errors.js';
import type { LogEvent } from '../../../src/core/events.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { tempDir } from '../../helpers/cli.js';

const DIST_STORE = resolve(import.meta.dirname, '../../../dist/src/storage/duckdb/index.js');

function ev(offset: number): LogEvent {
  return {
    ts: Date.UTC(2026, 0, 2) * 1000 + offset,
    level: 'info',
    service: 'web',
    host: null,
    source: 'errors-test',
    generation: 'g1',
    offset,
    format: 'unknown',
    message: `line ${offset}`,
    fields: {},
    raw: `line ${offset} ${Math.random().toString(36)}${Math.random().toString(36)}`,
  };
}

/** Settles with the error `p` rejects with; fails when it resolves. */
async function failure(p: Promise<unknown>): Promise<StorageError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageError);
  return err as StorageError;
}

async function expectKind(p: Promise<unknown>, kind: StorageErrorKind, message: RegExp): Promise<void> {
  const err = await failure(p);
  expect(err.kind).toBe(kind);
  expect(isStorageError(err, kind)).toBe(true);
  expect(err.message).toMatch(message);
}

/** Another process that opens the store at `path` as its owner and keeps it until killed. */
function otherOwner(path: string): Promise<ChildProcess> {
  const script = `const { openDuckDbStore } = await import(${JSON.stringify(DIST_STORE)});
await openDuckDbStore({ path: ${JSON.stringify(path)} });
process.stdout.write('open\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((res, rej) => {
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('open')) res(child);
    });
    child.on('exit', (code) => rej(new Error(`the owner exited (${code}): ${stderr}`)));
  });
}

describe('StorageError kinds', () => {
  it('locked: another process owns the store', async () => {
    const path = join(tempDir(), 'store', 'logs.duckdb');
    const owner = await otherOwner(path);
    try {
      await expectKind(openDuckDbStore({ path }), 'locked', /is in use by another process/);
      await expectKind(openDuckDbStore({ path, readOnly: true }), 'locked', /is in use by another process/);
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('not_found: nothing has been stored at the path', async () => {
    const path = join(tempDir(), 'nothing.duckdb');
    await expectKind(
      openDuckDbStore({ path, readOnly: true }),
      'not_found',
      /nothing has been stored there yet/,
    );
  });

  it('read_only: a store opened read-only refuses appends and maintenance', async () => {
    const path = join(tempDir(), 'logs.duckdb');
    const w = await openDuckDbStore({ path });
    await w.append([ev(0)]);
    await w.close();
    const ro = await openDuckDbStore({ path, readOnly: true });
    try {
      await expectKind(ro.append([ev(1)]), 'read_only', /^the store is open read-only$/);
      await expectKind(ro.maintain(), 'read_only', /^the store is open read-only$/);
    } finally {
      await ro.close();
    }
  });

  it('closed: every call after close', async () => {
    for (const path of [':memory:', join(tempDir(), 'logs.duckdb')]) {
      const store = await openDuckDbStore({ path });
      await store.close();
      await expectKind(store.append([ev(0)]), 'closed', /^the store is closed$/);
      await expectKind(store.query({ sql: 'SELECT 1', params: [] }), 'closed', /^the store is closed$/);
      await expectKind(store.stats(), 'closed', /^the store is closed$/);
    }
  });

  it('timeout and query: a query past its limit is stopped, one the engine refuses fails', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    try {
      await expectKind(
        store.query(
          { sql: 'SELECT count(*) FROM range(10000000000) a, range(1000) b', params: [] },
          { timeoutMs: 50 },
        ),
        'timeout',
        /^query took longer than 50 ms and was stopped$/,
      );
      await expectKind(store.query({ sql: 'SELECT nope FROM logs', params: [] }), 'query', /^query failed: /);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(process.getuid?.() !== 0)(
  'StorageError kinds of the file system (tmpfs mounts need root)',
  () => {
    const mounts: string[] = [];
    let full = '';
    let readOnly = '';

    beforeAll(() => {
      full = tempDir('logpipe-full-');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', full]);
      mounts.push(full);
      readOnly = tempDir('logpipe-ro-');
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]);
      mounts.push(readOnly);
    });

    afterAll(() => {
      for (const m of mounts) execFileSync('umount', ['-l', m]); // lazy: a failed test may leave a store open
    });

    it('disk_full: an append on a full disk', async () => {
      mkdirSync(join(full, 'store'));
      const store = await openDuckDbStore({ path: join(full, 'store', 'logs.duckdb') });
      const filler = join(full, 'filler');
      try {
        const free = statfsSync(full);
        try {
          writeFileSync(filler, Buffer.alloc(free.bavail * free.bsize, 1));
        } catch {
          // Full before the last byte: full is what this wants.
        }
        await expectKind(
          store.append(Array.from({ length: 2000 }, (_, i) => ev(i))),
          'disk_full',
          /^append failed: the disk holding .* is full$/,
        );
      } finally {
        rmSync(filler, { force: true });
        await store.close();
      }
    });

    it('permission: opening a store on a read-only file system', async () => {
      await expectKind(
        openDuckDbStore({ path: join(readOnly, 'logs.duckdb') }),
        'permission',
        /^cannot write the store .*: .*Read-only file system/,
      );
    });
  },
);
