/** Reads segment rows (as `logpipe parse` sends them to the store) back as events, for tests. */
import type { Fields, LogEvent } from '../../src/core/events.js';
import { decodeLogEvent } from '../../src/core/ndjson.js';
import { rebuildLine, requestText } from '../../src/core/raw-layouts.js';
import { PROMOTED_FIELDS, RAW_ZONE_COLUMN } from '../../src/core/schema.js';
import { columnStrings } from '../../src/storage/parquet/column-buffers.js';
import { MESSAGE_PLACE_COLUMN, TABLE_COLUMNS, TIME_PLACE_COLUMN } from '../../src/storage/rows/columns.js';
import { placeAt, placeTail } from '../../src/storage/rows/message-span.js';
import { deserializeRows, ROWS_MEDIA_TYPE } from '../../src/storage/rows/rows-wire.js';
import { renderTime, timePlaceAt, timePlaceLayout, timePlaceZone } from '../../src/storage/rows/time-span.js';
import type { Received } from './receiver.js';

/** The events a request body carries: encoded rows, or a log-events NDJSON stream. */
export function sentEvents(r: Received): LogEvent[] {
  if (String(r.headers['content-type']).startsWith(ROWS_MEDIA_TYPE)) return rowsToEvents(r.bytes);
  return r.body
    .split('\n')
    .filter((l) => l !== '')
    .slice(1)
    .map(decodeLogEvent);
}

/** Decodes a rows body into events, promoted columns folded back into `fields`. */
export function rowsToEvents(body: Uint8Array): LogEvent[] {
  const { rows } = deserializeRows(body);
  const b = rows.columns;
  const values = b.columns.map((c) => {
    if (c.kind !== 'number') return columnStrings(c, b.rows);
    const out: (string | number | null)[] = [];
    for (let i = 0; i < b.rows; i++) out.push(c.present[i] ? c.values[i] : null);
    return out;
  });
  const col = (name: string) => values[TABLE_COLUMNS.findIndex((c) => c.name === name)];
  const events: LogEvent[] = [];
  for (let i = 0; i < b.rows; i++) {
    const rest = col('fields')[i];
    const fields: Fields = rest === null ? {} : (JSON.parse(rest as string) as Fields);
    for (const { name } of PROMOTED_FIELDS) {
      const v = col(name)[i];
      if (v !== null) fields[name] = v;
    }
    // A line its columns rebuild keeps neither raw nor message: rebuild both as the store does.
    const zone = col(RAW_ZONE_COLUMN)[i] as number | null;
    const ts = col('ts')[i] as number;
    const format = col('format')[i] as string;
    const stored = (zone === null ? col('raw')[i] : rebuildLine(format, fields, ts, zone)) as string;
    // A line kept without its time text gets it back, rendered from ts, as the view puts it back.
    const time = col(TIME_PLACE_COLUMN)[i] as number | null;
    const raw = time === null ? stored : withTimeText(stored, time, ts);
    // A message its line holds is kept as its place there: cut out of the line as stored, as the
    // store's view cuts it.
    const place = col(MESSAGE_PLACE_COLUMN)[i] as number | null;
    const points = place === null ? [] : Array.from(stored);
    const message =
      zone !== null
        ? requestText(fields)
        : place !== null
          ? points.slice(placeAt(place), points.length - placeTail(place)).join('')
          : (col('message')[i] as string);
    events.push({
      ts,
      level: col('level')[i] as LogEvent['level'],
      service: col('service')[i] as string | null,
      host: col('host')[i] as string | null,
      source: col('source')[i] as string,
      generation: col('generation')[i] as string,
      offset: col('offset')[i] as number,
      format,
      message: message as string,
      fields,
      raw: raw as string,
    });
  }
  return events;
}

/** A stored line with its time text (cut at `place`, a time_place) put back, as the views do. */
export function withTimeText(stored: string, place: number, ts: number): string {
  const points = Array.from(stored);
  const at = timePlaceAt(place);
  const text = renderTime(timePlaceLayout(place), ts, timePlaceZone(place));
  if (text === null || points[at] !== '0') throw new Error(`no time text at ${at} in ${stored}`);
  return points.slice(0, at).join('') + text + points.slice(at + 1).join('');
}
