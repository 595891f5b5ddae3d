/**
 * Every system of the real-shaped corpus (bench/peers/real-corpus.ts) comes back from the store
 * as it was parsed: raw, message and fields byte for byte, from segments and from sealed
 * partitions, whatever the store keeps of each row (a message as its place in the line, an
 * access line as its columns). The in-memory store, which keeps every row as it came, is the
 * reference for every other column.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systems } from '../../../bench/peers/real-corpus.js';
import type { LogEvent, RawEvent } from '../../../src/core/events.js';
import { createParser } from '../../../src/parser/index.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { tempDir } from '../../helpers/cli.js';

const TO = Date.UTC(2026, 11, 7);
const FROM = TO - 181 * 86_400_000;
const PER_SYSTEM = 120;

/** Each system's lines parsed as an import parses a file: one parser, batches of 16. */
function corpusEvents(): LogEvent[] {
  const out: LogEvent[] = [];
  for (const [i, system] of systems().entries()) {
    const parse = createParser();
    const raws: RawEvent[] = [...system.lines(PER_SYSTEM, { seed: 7 + i, fromMs: FROM, toMs: TO })].map(
      (line, k) => ({
        source: `/logs/${system.name}.log`,
        generation: 'g',
        offset: k,
        line,
        received_at: TO,
      }),
    );
    for (let k = 0; k < raws.length; k += 16) out.push(...parse(raws.slice(k, k + 16)));
  }
  return out;
}

const ALL = { sql: 'SELECT * FROM logs ORDER BY source, "offset"', params: [] };

/** Rows as the views give them, `fields` as text and `ingested_at` left out (each store stamps its own). */
function comparable(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map(({ ingested_at: _, ...r }) => ({ ...r, fields: JSON.stringify(r.fields) }));
}

describe('real-shaped lines through the store', () => {
  it('gives back every system’s raw, message and fields, from segments and from partitions', async () => {
    const events = corpusEvents();
    const names = new Set(events.map((e) => e.source));
    expect(names.size).toBe(systems().length);
    const memory = await openDuckDbStore({ path: ':memory:' });
    await memory.append(events);
    const reference = comparable((await memory.query(ALL)).rows);
    await memory.close();
    expect(reference).toHaveLength(events.length);

    const store = await openDuckDbStore({
      path: join(tempDir('logpipe-real-text-'), 'logs.duckdb'),
      now: () => TO + 86_400_000,
      sealAfterMs: 0,
    });
    try {
      await store.append(events);
      const sorted = [...events].sort((a, b) =>
        a.source < b.source ? -1 : a.source > b.source ? 1 : a.offset - b.offset,
      );
      for (const stage of ['segments', 'partitions']) {
        if (stage === 'partitions') {
          await store.compact();
          await store.maintain();
          expect((await store.stats()).partitions, stage).toBeGreaterThan(0);
        }
        const rows = comparable((await store.query(ALL)).rows);
        // Byte for byte against the parser's own strings, system by system.
        for (let k = 0; k < sorted.length; k++) {
          const e = sorted[k];
          const where = `${stage}: ${e.source} line ${e.offset}`;
          expect(rows[k].raw, where).toBe(e.raw);
          expect(rows[k].message, where).toBe(e.message);
        }
        expect(rows, stage).toEqual(reference);
      }
    } finally {
      await store.close();
    }
  });
});
