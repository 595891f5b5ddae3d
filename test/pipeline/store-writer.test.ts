import { describe, expect, it } from 'vitest';
import type { LogEvent, RawEvent } from '../../src/core/events.js';
import type { AppendResult, EncodedEvents, StorageEngine, WriteBatch } from '../../src/core/storage.js';
import { StoreWriter } from '../../src/pipeline/store-writer.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';

function ev(offset: number): LogEvent {
  return {
    ts: 0,
    level: 'info',
    service: null,
    host: null,
    source: 's',
    generation: 'g',
    offset,
    format: 'unknown',
    message: '',
    fields: {},
    raw: '',
  };
}

/** A batch that keeps the events as they are, as a store taking events would. */
function eventBatch(): WriteBatch & { readonly events: LogEvent[] } {
  const events: LogEvent[] = [];
  return {
    events,
    add(more) {
      if (!Array.isArray(more))
        throw new Error(`cannot take events encoded as ${(more as EncodedEvents).encoding}`);
      for (const e of more as readonly LogEvent[]) events.push(e);
    },
    addRaw(raws, parse) {
      for (const e of parse(raws as RawEvent[])) events.push(e);
    },
    get size() {
      return events.length;
    },
  };
}

/** The events of an append: an array, or a batch from `eventBatch()`. */
function batchEvents(input: LogEvent[] | WriteBatch): LogEvent[] {
  return Array.isArray(input) ? input : (input as ReturnType<typeof eventBatch>).events;
}

/** A store that records appends and can be made to fail or to hang. */
function fakeStore(opts: { failTimes?: number } = {}) {
  let failures = opts.failTimes ?? 0;
  const appends: number[][] = [];
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => {};
  const store: StorageEngine & { appends: number[][]; hold(): void; release(): void } = {
    dialect: duckdbDialect,
    appends,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release() {
      open();
    },
    batch: eventBatch,
    async append(input): Promise<AppendResult> {
      const events = batchEvents(input);
      await gate;
      if (failures > 0) {
        failures--;
        throw new Error('disk full');
      }
      appends.push(events.map((e) => e.offset));
      return { stored: events.length, duplicates: 0 };
    },
    async query() {
      return { columns: [], rows: [], elapsed_ms: 0 };
    },
    committedOffsets() {
      return [];
    },
    async stats() {
      return {
        rows: 0,
        active_rows: 0,
        segments: 0,
        partitions: 0,
        bytes_on_disk: 0,
        raw_bytes: 0,
        oldest: null,
        newest: null,
      };
    },
    sealedRanges() {
      return [];
    },
    watermark() {
      return 0;
    },
    async maintain() {
      return { sealed: 0, sealed_rows: 0, removed: 0, removed_rows: 0, freed_bytes: 0 };
    },
    async close() {},
  };
  return store;
}

describe('StoreWriter', () => {
  it('appends once a batch is full and acks each input batch after the commit', async () => {
    const store = fakeStore();
    const w = new StoreWriter(store, { batchSize: 4, flushIntervalMs: 60_000 });
    const acked: number[] = [];
    await w.write([ev(0), ev(1)], () => acked.push(0));
    expect(store.appends).toEqual([]);
    await w.write([ev(2), ev(3)], () => acked.push(1));
    await w.close();
    expect(store.appends).toEqual([[0, 1, 2, 3]]);
    expect(acked).toEqual([0, 1]);
  });

  it('appends a partial batch after the flush interval', async () => {
    const store = fakeStore();
    const w = new StoreWriter(store, { batchSize: 1000, flushIntervalMs: 20 });
    const acked = new Promise<void>((resolve) => void w.write([ev(0)], () => resolve()));
    await acked;
    expect(store.appends).toEqual([[0]]);
    await w.close();
  });

  it('appends a batch its sender waits on at once, and what comes during that append right after it', async () => {
    const store = fakeStore();
    // A flush interval no test waits out: only `waited` can make these appends.
    const w = new StoreWriter(store, { batchSize: 1000, flushIntervalMs: 60_000 });
    store.hold();
    const first = new Promise<void>((resolve) => void w.write([ev(0)], () => resolve(), true));
    await new Promise((r) => setTimeout(r, 20));
    // The first append runs (held): these wait for it, then go together as one append.
    const second = new Promise<void>((resolve) => void w.write([ev(1)], () => resolve(), true));
    const third = new Promise<void>((resolve) => void w.write([ev(2)], () => resolve()));
    store.release();
    await Promise.all([first, second, third]);
    expect(store.appends).toEqual([[0], [1, 2]]);
    // Not waited on: it waits for the flush interval (or a full batch, or the close).
    let late = false;
    void w.write([ev(3)], () => {
      late = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(late).toBe(false);
    await w.close();
    expect(late).toBe(true);
    expect(store.appends).toEqual([[0], [1, 2], [3]]);
  });

  it('retries a failed append and acks only once it succeeded', async () => {
    const store = fakeStore({ failTimes: 2 });
    const w = new StoreWriter(store, { batchSize: 1, flushIntervalMs: 10 });
    let err: Error | undefined | null = null;
    await w.write([ev(0)], (e) => (err = e));
    await w.close();
    expect(err).toBeUndefined();
    expect(store.appends).toEqual([[0]]);
    expect(w.stats().retries).toBe(2);
  });

  it('makes writers wait while the store is slow (bounded queue)', async () => {
    const store = fakeStore();
    store.hold();
    const w = new StoreWriter(store, { batchSize: 2, flushIntervalMs: 10, highWater: 4 });
    let accepted = 0;
    const writes = (async () => {
      for (let i = 0; i < 10; i++) {
        await w.write([ev(i)], () => {});
        accepted++;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    expect(accepted).toBeLessThanOrEqual(4);
    store.release();
    await writes;
    await w.close();
    expect(store.appends.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives up at a bounded stop what a failing store cannot take, failing its acks (issue #27)', async () => {
    const store = fakeStore({ failTimes: Number.POSITIVE_INFINITY });
    const w = new StoreWriter(store, { batchSize: 2, flushIntervalMs: 10, highWater: 4 });
    const acks: (Error | undefined)[] = [];
    const writes = (async () => {
      // More than the queue holds: the later writes wait for room that never comes.
      for (let i = 0; i < 10; i++) await w.write([ev(i)], (e) => acks.push(e));
    })();
    await new Promise((r) => setTimeout(r, 150));
    const began = Date.now();
    w.stopWithin(200);
    await writes;
    await w.close();
    expect(Date.now() - began).toBeLessThan(2000);
    expect(store.appends).toEqual([]);
    expect(acks).toHaveLength(10);
    for (const e of acks) expect(e?.message).toMatch(/^stopped before the store took it: /);
    expect(w.stats().unstored).toBe(10);
    expect(w.lastFailure()).not.toBeNull();
  });
});
