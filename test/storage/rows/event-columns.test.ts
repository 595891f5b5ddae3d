/**
 * The two ways events become columns agree: `addEvents` (bytes, for segment files, filled in
 * several calls and filtered for duplicates) holds exactly the values `eventColumns` (plain
 * arrays, for DuckDB's appender) computes, for any events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldValue, LogEvent } from '../../../src/core/events.js';
import type { ColumnBuffers } from '../../../src/storage/parquet/column-buffers.js';
import { columnStrings, keepRows } from '../../../src/storage/parquet/column-buffers.js';
import { MESSAGE_PLACE_COLUMN, TABLE_COLUMNS, TIME_PLACE_COLUMN } from '../../../src/storage/rows/columns.js';
import {
  addEvents,
  eventColumns,
  eventRows,
  newRows,
  resetEventRows,
  setIngested,
} from '../../../src/storage/rows/event-columns.js';
import { placeAt, placeTail } from '../../../src/storage/rows/message-span.js';
import { withTimeText } from '../../helpers/rows.js';

const MESSAGE = TABLE_COLUMNS.findIndex((c) => c.name === 'message');
const RAW = TABLE_COLUMNS.findIndex((c) => c.name === 'raw');
const PLACE = TABLE_COLUMNS.findIndex((c) => c.name === MESSAGE_PLACE_COLUMN);
const TIME_PLACE = TABLE_COLUMNS.findIndex((c) => c.name === TIME_PLACE_COLUMN);

/**
 * The values held in byte form, read back as eventColumns gives them: a message kept as its
 * place in the line is cut out of the (stored) line again (code points, as the query views cut
 * it), and a time text cut from the line is put back.
 */
function decoded(b: ColumnBuffers): (string | number | null)[][] {
  const cols = b.columns.map((c) => {
    if (c.kind !== 'number') return columnStrings(c, b.rows);
    const out: (string | number | null)[] = [];
    for (let i = 0; i < b.rows; i++) out.push(c.present[i] ? c.values[i] : null);
    return out;
  });
  for (let i = 0; i < b.rows; i++) {
    const place = cols[PLACE][i] as number | null;
    if (place !== null) {
      const points = Array.from(cols[RAW][i] as string);
      cols[MESSAGE][i] = points.slice(placeAt(place), points.length - placeTail(place)).join('');
      cols[PLACE][i] = null;
    }
    const time = cols[TIME_PLACE][i] as number | null;
    if (time !== null) {
      cols[RAW][i] = withTimeText(cols[RAW][i] as string, time, cols[0][i] as number);
      cols[TIME_PLACE][i] = null;
    }
  }
  return cols;
}

/**
 * eventColumns' values as stored: strings pass through UTF-8, where a lone surrogate becomes
 * U+FFFD (the byte form holds the UTF-8 itself).
 */
function asStored(cols: (string | number | null)[][]): (string | number | null)[][] {
  return cols.map((col) =>
    col.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8').toString('utf8') : v)),
  );
}

const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(3_000_000_000),
  fc.constant(2 ** 60),
  // Text JSON must escape, or that is not plain UTF-16.
  fc.constantFrom('a"b', 'back\\slash', 'new\nline', '\u0001', '\ud800 lone', 'é😀', -0, Number.NaN),
);
const fieldName = fc.constantFrom(
  'status',
  'method',
  'path',
  'bytes',
  'latency_ms',
  'client_ip',
  'trace_id',
  'user',
  'x.y',
  'we"ird',
  'ünï',
  '10',
  '2',
);

const anyEvent: fc.Arbitrary<LogEvent> = fc.record({
  ts: fc.integer({ min: -1e15, max: 4e15 }),
  level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown' as const),
  service: fc.option(fc.constantFrom('web', 'api', 'ünï'), { nil: null }),
  host: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
  source: fc.constantFrom('/a.log', '/b.log'),
  generation: fc.constantFrom('g1', 'g2', ''),
  offset: fc.nat({ max: 50 }),
  format: fc.constantFrom('apache_combined', 'json', 'unknown'),
  message: fc.string({ unit: 'grapheme', maxLength: 30 }),
  fields: fc.dictionary(fieldName, fieldValue, { maxKeys: 5 }),
  raw: fc.string({ unit: 'binary', maxLength: 60 }),
});
// Most lines hold their message (the text after a header, or the whole line): such rows keep it
// as its place in the line, so half the events are made so, surrogate halves around it included.
const event: fc.Arbitrary<LogEvent> = fc
  .tuple(
    anyEvent,
    fc.option(
      fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })),
    ),
  )
  .map(([e, around]) => (around === null ? e : { ...e, raw: `${around[0]}${e.message}${around[1]}` }));

describe('event columns', () => {
  it('holds the same values in byte form as eventColumns, across several adds', () => {
    fc.assert(
      fc.property(fc.array(fc.array(event, { maxLength: 12 }), { maxLength: 5 }), (batches) => {
        const rows = eventRows(16); // small, so the buffers have to grow
        for (const b of batches) addEvents(rows, b);
        setIngested(rows, 1_700_000_000_000_000);
        const all = batches.flat();
        expect(rows.columns.rows).toBe(all.length);
        expect(decoded(rows.columns)).toEqual(
          asStored(eventColumns(all, 1_700_000_000_000_000) as (string | number | null)[][]),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('writes fields JSON as JSON.stringify does, undefined values left out', () => {
    const base = fc.sample(event, 1)[0];
    const odd: LogEvent[] = [
      { ...base, fields: { gone: undefined as unknown as string } },
      { ...base, fields: { a: 1, gone: undefined as unknown as string, b: 'x' } },
    ];
    const rows = eventRows(16);
    addEvents(rows, odd);
    setIngested(rows, 1);
    expect(decoded(rows.columns)).toEqual(asStored(eventColumns(odd, 1) as (string | number | null)[][]));
  });

  it('starts empty again after a reset, reusing its buffers', () => {
    const rows = eventRows(16);
    const one = fc.sample(event, 40);
    addEvents(rows, one);
    resetEventRows(rows);
    const two = fc.sample(event, 7);
    addEvents(rows, two);
    setIngested(rows, 5);
    // Sampled values may hold a lone surrogate, which is stored as U+FFFD.
    expect(decoded(rows.columns)).toEqual(asStored(eventColumns(two, 5) as (string | number | null)[][]));
    expect(rows.keys.length).toBeLessThanOrEqual(4);
  });

  it('keeps the rows not yet stored, in order, and tells the next offsets', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.nat({ max: 30 }), (events, upTo) => {
        const rows = eventRows(16);
        addEvents(rows, events);
        setIngested(rows, 9);
        const committed = new Map([[`/a.log\0g1`, upTo]]);
        // The rule the in-memory path follows, event by event.
        const expected: LogEvent[] = [];
        const next = new Map(committed);
        for (const e of events) {
          if (e.generation !== '') {
            const key = `${e.source}\0${e.generation}`;
            if (e.offset < (next.get(key) ?? 0)) continue;
            next.set(key, e.offset + 1);
          }
          expected.push(e);
        }
        const { keep, fresh, moved } = newRows(rows, committed);
        expect(fresh).toBe(expected.length);
        const kept = keep ? keepRows(rows.columns, keep) : rows.columns;
        expect(decoded(kept)).toEqual(asStored(eventColumns(expected, 9) as (string | number | null)[][]));
        for (const [key, n] of moved) expect(next.get(key)).toBe(n);
        for (const [key, n] of next)
          if (!committed.has(key) || committed.get(key) !== n) expect(moved.get(key)).toBe(n);
      }),
      { numRuns: 150 },
    );
  });
});
