/**
 * Encoded rows on the wire (`logpipe parse` → store): what goes in comes out, and a body that is
 * not what it claims is refused with a message naming what is wrong, before anything is stored.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import type { LogEvent } from '../../../src/core/events.js';
import type { NumberColumn, StringColumn } from '../../../src/storage/parquet/column-buffers.js';
import { TABLE_COLUMNS } from '../../../src/storage/rows/columns.js';
import { addEvents, eventRows, SEGMENT_ENCODING } from '../../../src/storage/rows/event-columns.js';
import { deserializeRows, serializeRows } from '../../../src/storage/rows/rows-wire.js';
import { rowsToEvents } from '../../helpers/rows.js';

function ev(offset: number, extra: Partial<LogEvent> = {}): LogEvent {
  return {
    ts: Date.UTC(2026, 0, 2) * 1000 + offset,
    level: 'info',
    service: offset % 2 ? 'web' : null,
    host: null,
    source: '/a.log',
    generation: 'g1',
    offset,
    format: 'apache_combined',
    message: `GET /p/${offset} ✓`,
    fields: { status: 200 + offset, path: `/p/${offset}`, latency_ms: 1.5, region: 'eu' },
    raw: `line ${offset} ünï`,
    ...extra,
  };
}

function body(events: LogEvent[]): Buffer {
  const rows = eventRows(4);
  addEvents(rows, events);
  return Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: events.length, rows }));
}

describe('rows on the wire', () => {
  it('gives back the events that were encoded, at any alignment of the body', () => {
    const events = [ev(0), ev(1), ev(2, { generation: '' }), ev(3, { source: '/b.log', fields: {} })];
    const b = body(events);
    expect(b.length % 8).toBe(0);
    expect(rowsToEvents(b)).toEqual(events);
    const shifted = Buffer.alloc(b.length + 3);
    b.copy(shifted, 3);
    expect(rowsToEvents(shifted.subarray(3))).toEqual(events);
    const r = deserializeRows(b);
    expect(r.count).toBe(4);
    expect(r.rows.keys).toEqual(['/a.log\0g1', '/b.log\0g1']);
    expect([...r.rows.keyOf]).toEqual([0, 0, -1, 1]);
    expect(rowsToEvents(body([]))).toEqual([]);
  });

  it('gives back lines kept without their time text', () => {
    const ts = Date.UTC(2026, 0, 2, 3, 4, 5, 678) * 1000;
    const events = [
      ev(0, {
        ts,
        format: 'log4j',
        raw: 'é😀 2026-01-02 03:04:05,678 INFO done ✓',
        message: 'done ✓',
        fields: {},
      }),
      ev(1, { ts, format: 'syslog', raw: 'Jan  2 03:04:05 h sshd[1]: ok', message: 'ok', fields: {} }),
      ev(2, {
        ts,
        format: 'log4j',
        raw: '2026-01-02 03:04:05,678 received',
        message: 'received',
        fields: { ts_source: 'received' },
      }),
    ];
    const rows = eventRows(4);
    addEvents(rows, events);
    const time = rows.columns.columns[
      TABLE_COLUMNS.findIndex((c) => c.name === 'time_place')
    ] as NumberColumn;
    expect([...time.present.subarray(0, 3)]).toEqual([1, 1, 0]);
    const b = Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: 3, rows }));
    expect(rowsToEvents(b)).toEqual(events);
  });

  it('refuses a body that is not what it claims, naming what is wrong', () => {
    const good = body([ev(0), ev(1)]);
    const refuse = (b: Uint8Array, message: RegExp) => {
      expect(() => deserializeRows(b)).toThrow(UserError);
      expect(() => deserializeRows(b)).toThrow(message);
    };
    refuse(Buffer.from('{"hello":1}'), /does not start with LPR1/);
    refuse(good.subarray(0, good.length - 16), /runs past the body/);
    refuse(Buffer.concat([good, Buffer.alloc(8)]), /bytes left/);
    const hlen = good.readUInt32LE(4);
    const header = JSON.parse(good.toString('utf8', 8, 8 + hlen));
    const withHeader = (h: object): Buffer => {
      const json = Buffer.from(JSON.stringify(h));
      const padded = Buffer.alloc(json.length <= hlen ? hlen : 0, ' ');
      if (json.length > hlen) throw new Error('header grew');
      json.copy(padded);
      const b = Buffer.from(good);
      padded.copy(b, 8);
      return b;
    };
    refuse(withHeader({ ...header, encoding: 'other' }), /encoding other/);
    refuse(withHeader({ ...header, rows: 3 }), /row 2 names key|runs past the body|lengths add up/);
    refuse(withHeader({ ...header, keys: ['no-separator'] }), /keys/);
    refuse(withHeader({ ...header, columns: header.columns.slice(1) }), /columns, the table has/);
    // A string that is not UTF-8: the raw column's bytes are the last of the strings in the body.
    const bad = Buffer.from(good);
    const at = bad.indexOf(Buffer.from('line 1'));
    bad[at] = 0xff;
    refuse(bad, /column raw is not UTF-8/);
    // A null where the table requires a value (format is column 7, a dictionary).
    const rows = eventRows(4);
    addEvents(rows, [ev(0)]);
    const format = rows.columns.columns[7];
    if (format.kind !== 'dict') throw new Error('format should be a dictionary column');
    format.ids[0] = -1;
    refuse(
      Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: 1, rows })),
      /column format, row 0/,
    );
    // A row naming a dictionary entry that is not there.
    format.ids[0] = 5;
    refuse(
      Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: 1, rows })),
      /column format, row 0: entry 5/,
    );
  });

  it('trusted (from its own worker threads) skips the value checks but still checks the layout', () => {
    const good = body([ev(0), ev(1)]);
    const r = deserializeRows(good, { trusted: true });
    expect(r.count).toBe(2);
    expect(rowsToEvents(good)).toEqual([ev(0), ev(1)]);
    const bad = Buffer.from(good);
    bad[bad.indexOf(Buffer.from('line 1'))] = 0xff;
    expect(() => deserializeRows(bad, { trusted: true })).not.toThrow();
    expect(() => deserializeRows(good.subarray(0, good.length - 16), { trusted: true })).toThrow(
      /runs past the body/,
    );
  });

  // Issue #27: one byte of a row's fields JSON changed was stored, and every query over its
  // segment failed from then on.
  it("refuses rows whose values would fail a query or the store's bookkeeping", () => {
    const refuse = (b: Uint8Array, message: RegExp) => {
      expect(() => deserializeRows(b)).toThrow(UserError);
      expect(() => deserializeRows(b)).toThrow(message);
    };
    const col = (name: string) => TABLE_COLUMNS.findIndex((c) => c.name === name);
    const encode = (events: LogEvent[], change: (rows: ReturnType<typeof eventRows>) => void) => {
      const rows = eventRows(4);
      addEvents(rows, events);
      change(rows);
      return Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: events.length, rows }));
    };
    const withFields = (json: string) =>
      encode([ev(0)], (rows) => {
        const f = rows.columns.columns[col('fields')] as StringColumn;
        f.data = Buffer.from(json);
        f.used = f.data.length;
        f.lengths[0] = f.used;
      });
    expect(deserializeRows(withFields('{"region":"eu"}')).count).toBe(1);
    refuse(withFields('{"region":"eu"'), /column fields, row 0: the JSON ends early/);
    refuse(withFields('{"region":"e\u0001u"}'), /column fields, row 0: malformed string at byte 10/);
    refuse(withFields('["eu"]'), /column fields, row 0: not a JSON object/);
    refuse(withFields('{"region":"\\ud800"}'), /column fields, row 0: malformed string/);
    refuse(withFields(''), /column fields, row 0: not a JSON object/);
    refuse(
      encode([ev(0, { level: 'loud' as LogEvent['level'] })], () => {}),
      /"loud" is not a level/,
    );
    refuse(
      encode([ev(0, { offset: -5 })], () => {}),
      /column offset, row 0: -5/,
    );
    refuse(
      encode([ev(0)], (rows) => {
        rows.keyOf[0] = -1;
      }),
      /row 0 names key -1, not the one of its source and generation/,
    );
    refuse(
      encode([ev(0), ev(1, { source: '/b.log' })], (rows) => {
        rows.keyOf[1] = 0;
      }),
      /row 1 names key 0/,
    );
    // A line the store would rebuild from its columns: only for an access format, with a zone a
    // date can carry, and without its text kept as well.
    const zoned = (zone: number, format: string) =>
      encode([ev(0, { format })], (rows) => {
        const z = rows.columns.columns[col('raw_zone')] as NumberColumn;
        z.values[0] = zone;
        z.present[0] = 1;
      });
    refuse(zoned(120, 'apache_combined'), /row 0: a rebuilt line that keeps its text/);
    refuse(zoned(99_999, 'apache_combined'), /column raw_zone, row 0: 99999/);
    refuse(zoned(0, 'json'), /row 0: a rebuilt line of format "json", which has no layout/);
    // A message kept as its place in the line: a place inside the line, and no message beside it.
    const placed = (place: number, keepMessage = false) =>
      encode([ev(0, { raw: 'hdr: ünï msg', message: 'msg' })], (rows) => {
        const p = rows.columns.columns[col('message_place')] as NumberColumn;
        p.values[0] = place;
        p.present[0] = 1;
        if (keepMessage) rows.columns.columns[col('message')] = rows.columns.columns[col('raw')];
      });
    expect(rowsToEvents(placed(5 + 4 * 2 ** 32))[0].message).toBe('ünï');
    refuse(placed(13), /row 0: message_place 13 is not a place inside its line/);
    refuse(placed(3 + 10 * 2 ** 32), /row 0: message_place 42949672963 is not a place inside its line/);
    refuse(placed(0.5), /message_place/);
    refuse(placed(3, true), /row 0: a message cut from its line needs the line kept, and no message or zone/);
    // A line kept without its time text: a place on a code point of the line, a known layout.
    const timed = (place: number, zone = false) =>
      encode([ev(0, { raw: 'ü 0 msg', message: 'other' })], (rows) => {
        const p = rows.columns.columns[col('time_place')] as NumberColumn;
        p.values[0] = place;
        p.present[0] = 1;
        if (zone) {
          const z = rows.columns.columns[col('raw_zone')] as NumberColumn;
          z.values[0] = 0;
          z.present[0] = 1;
        }
      });
    expect(() => deserializeRows(timed(2 + 2 ** 32))).not.toThrow();
    refuse(timed(7 + 2 ** 32), /row 0: time_place 4294967303 is not a time's place inside its line/);
    refuse(timed(2 + 63 * 2 ** 32), /time_place/);
    refuse(timed(2 + (1 + 64 * 5000) * 2 ** 32), /time_place/);
    refuse(timed(-1), /time_place/);
    // (A zone marks a rebuilt line, which keeps no text: refused as that first.)
    refuse(timed(2 + 2 ** 32, true), /row 0: a rebuilt line that keeps its text/);
  });
});
