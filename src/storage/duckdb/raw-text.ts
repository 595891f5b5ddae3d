/**
 * DuckDB SQL that rebuilds `raw` and `message` for rows that do not keep them: access lines from
 * their columns (core/raw-layouts), and messages cut from the line they lie in (by their place,
 * rows/message-span.ts). The views over segments and partitions expose these expressions under
 * the stored names, so every reader sees the line and message as they came. Filters through the view stay lazy (DuckDB inlines the
 * expression and builds the text only for rows that reach it).
 */
import { type LayoutPart, mayBeInStamp, RAW_LAYOUTS, SEPARATORS } from '../../core/raw-layouts.js';
import { FIELDS_COLUMN, RAW_ZONE_COLUMN } from '../../core/schema.js';
import { MESSAGE_PLACE_COLUMN, TIME_PLACE_COLUMN } from '../rows/columns.js';
import { TAIL_UNIT } from '../rows/message-span.js';
import { LAYOUT_SPAN, renderTime, TIME_LAYOUTS, TIME_UNIT, type TimeLayout } from '../rows/time-span.js';
import { quoteIdent, sqlString } from './schema.js';

const ZONE = quoteIdent(RAW_ZONE_COLUMN);
const FIELDS = quoteIdent(FIELDS_COLUMN);
const PLACE = quoteIdent(MESSAGE_PLACE_COLUMN);
const AT = `(${PLACE} % ${TAIL_UNIT})`;
const TAIL = `(${PLACE} // ${TAIL_UNIT})`;
const TIME = quoteIdent(TIME_PLACE_COLUMN);
/** Code points of the stored line before its time text's placeholder. */
const TIME_AT = `(${TIME} % ${TIME_UNIT})`;
const TIME_HIGH = `(${TIME} // ${TIME_UNIT})`;
const TIME_LAYOUT = `(${TIME_HIGH} % ${LAYOUT_SPAN})`;
const ZONE_CODE = `(${TIME_HIGH} // ${LAYOUT_SPAN})`;
/** `ts` in the zone of the time text (zig-zag minutes; 0, UTC, needs no shift). */
const TIME_TS =
  `(CASE WHEN ${ZONE_CODE} = 0 THEN "ts" ELSE "ts" + to_minutes(CAST(CASE WHEN ${ZONE_CODE} % 2 = 0 ` +
  `THEN ${ZONE_CODE} // 2 ELSE -((${ZONE_CODE} + 1) // 2) END AS INTEGER)) END)`;

/** One layout's text of the row's time. */
function timeTextSql(l: TimeLayout): string {
  if (l.format === 'epoch_us') return `CAST(epoch_us(${TIME_TS}) AS VARCHAR)`;
  if (l.format === 'epoch_s') return `CAST(epoch_us(${TIME_TS}) // 1000000 AS VARCHAR)`;
  return `strftime(${TIME_TS}, ${sqlString(l.format)})`;
}

/** The time text of a row whose line was kept without it, by its layout. */
const TIME_TEXT = `(CASE ${TIME_LAYOUT} ${TIME_LAYOUTS.map((l) => `WHEN ${l.id} THEN ${timeTextSql(l)}`).join(' ')} END)`;

/** A stored line with its time text put back in place of its placeholder digit. */
const TIMED_RAW = `concat(left("raw", ${TIME_AT}), ${TIME_TEXT}, substr("raw", ${TIME_AT} + 2))`;

/** DuckDB's part function of each unpadded field. */
const UNPADDED: Record<string, string> = { '%-d': 'day', '%-H': 'hour', '%-M': 'minute', '%-S': 'second' };

/** Each layout's text length when every field takes two digits (0 for epoch counts), by id. */
const WIDE = Array.from({ length: LAYOUT_SPAN }, (_, id) => {
  const l = TIME_LAYOUTS.find((x) => x.id === id);
  if (l === undefined || l.format.startsWith('epoch')) return 0;
  return renderTime(id, Date.UTC(2026, 11, 31, 23, 59, 59, 999) * 1000 + 999)!.length;
});

/** What the layouts with unpadded fields or epoch counts take off or add to WIDE. */
const VARIABLE = TIME_LAYOUTS.flatMap((l) => {
  if (l.format.startsWith('epoch')) return [`WHEN ${l.id} THEN strlen(${timeTextSql(l)})`];
  const short = [...l.format.matchAll(/%-[dHMS]/g)].map(
    (m) => `CAST(${UNPADDED[m[0]]}(${TIME_TS}) < 10 AS INTEGER)`,
  );
  return short.length === 0 ? [] : [`WHEN ${l.id} THEN -(${short.join(' + ')})`];
});

/**
 * Bytes of the time text put back (ASCII: one byte a character), without building it: the
 * layout's length from a list, less one for each unpadded field below 10; epoch counts as
 * written. Over the 1M real-shaped rows' partitions (one thread): 231 ms, against 323 for a CASE
 * of `strlen` of the text per unpadded layout and 74 for `strlen(raw)` of the stored lines.
 */
const TIME_BYTES = `([${WIDE.join(', ')}][${TIME_LAYOUT} + 1] + CASE ${TIME_LAYOUT} ${VARIABLE.join(' ')} ELSE 0 END)`;

/**
 * The column under which the views for planned queries (not raw SQL) show `raw` as stored,
 * without the time text of the rows that lack it (rows/time-span.ts): what searches that need no
 * time read instead of building lines.
 */
export const STORED_RAW_COLUMN = 'raw_stored';

/** True for rows whose stored line lacks its time text (SQL). */
export const TIME_CUT_SQL = `(${TIME} IS NOT NULL)`;

/** True for rows whose `raw` is rebuilt (SQL). */
export const REBUILT_SQL = `(${ZONE} IS NOT NULL)`;

const REQUEST_SQL = `concat_ws(' ', "method", "path", "protocol")`;
const STAMP_SQL =
  `(strftime("ts" + to_minutes(${ZONE}), '%d/%b/%Y:%H:%M:%S') || CASE WHEN ${ZONE} < 0 THEN ' -' ELSE ' +' END ` +
  `|| lpad(CAST(abs(${ZONE}) // 60 AS VARCHAR), 2, '0') || lpad(CAST(abs(${ZONE}) % 60 AS VARCHAR), 2, '0'))`;

/** One part's text for a rebuilt row. */
function partSql(p: LayoutPart): string {
  switch (p.kind) {
    case 'lit':
      return sqlString(p.text);
    case 'column': {
      const col = p.type === 'string' ? quoteIdent(p.name) : `CAST(${quoteIdent(p.name)} AS VARCHAR)`;
      return p.absent === null ? col : `coalesce(${col}, ${sqlString(p.absent)})`;
    }
    case 'field':
      return `coalesce(json_extract_string(${FIELDS}, '$."${p.key}"'), ${sqlString(p.absent)})`;
    case 'stamp':
      return STAMP_SQL;
    case 'request':
      return REQUEST_SQL;
  }
}

/**
 * `message` as stored or rebuilt: the request line of a rebuilt access line, or the code points
 * of `raw` between its place's two ends (DuckDB's substr and length count code points).
 */
export function messageSql(): string {
  return (
    `CASE WHEN ${ZONE} IS NOT NULL THEN ${REQUEST_SQL} ` +
    `WHEN ${PLACE} IS NOT NULL THEN substr("raw", ${AT} + 1, length("raw") - ${AT} - ${TAIL}) ` +
    `ELSE "message" END`
  );
}

/** The layouts and the formats that use each. */
function layoutFormats(): [readonly LayoutPart[], string[]][] {
  const byLayout = new Map<readonly LayoutPart[], string[]>();
  for (const [format, layout] of Object.entries(RAW_LAYOUTS)) {
    byLayout.set(layout, [...(byLayout.get(layout) ?? []), format]);
  }
  return [...byLayout];
}

/**
 * `raw` as stored or rebuilt: an access line per its format, a line kept without its time text
 * with the text rendered from `ts` in its layout and put back.
 */
export function rawSql(): string {
  const arms = layoutFormats().map(
    ([layout, formats]) =>
      `WHEN "format" IN (${formats.map(sqlString).join(', ')}) THEN concat(${layout.map(partSql).join(', ')})`,
  );
  return `CASE WHEN ${ZONE} IS NULL THEN (CASE WHEN ${TIME} IS NULL THEN "raw" ELSE ${TIMED_RAW} END) ${arms.join(' ')} END`;
}

/** Bytes of an HTTP log date as httpStamp writes it (a rebuilt row's date is always one). */
const STAMP_BYTES = 26;

/** One part's length in UTF-8 bytes for a rebuilt row, without building its text. */
function partBytesSql(p: LayoutPart): string {
  switch (p.kind) {
    case 'lit':
      return String(Buffer.byteLength(p.text));
    case 'column': {
      const col = p.type === 'string' ? quoteIdent(p.name) : `CAST(${quoteIdent(p.name)} AS VARCHAR)`;
      // concat() reads a null as empty: so does a null length here, where no `absent` is written.
      return `coalesce(strlen(${col}), ${p.absent === null ? 0 : Buffer.byteLength(p.absent)})`;
    }
    case 'field':
      return `coalesce(strlen(json_extract_string(${FIELDS}, '$."${p.key}"')), ${Buffer.byteLength(p.absent)})`;
    case 'stamp':
      return String(STAMP_BYTES);
    case 'request':
      // concat_ws leaves out the absent parts and the spaces between them.
      return `greatest(coalesce(strlen("method") + 1, 0) + coalesce(strlen("path") + 1, 0) + coalesce(strlen("protocol") + 1, 0) - 1, 0)`;
  }
}

/**
 * `strlen(raw)` for stored and rebuilt rows alike, summing the parts' lengths instead of building
 * each line (what a partition's raw size is counted from: building the lines was nine tenths of
 * a seal's summary pass).
 */
export function rawBytesSql(): string {
  const arms = layoutFormats().map(
    ([layout, formats]) =>
      `WHEN "format" IN (${formats.map(sqlString).join(', ')}) THEN ${layout.map(partBytesSql).join(' + ')}`,
  );
  return `CASE WHEN ${ZONE} IS NULL THEN (CASE WHEN ${TIME} IS NULL THEN strlen("raw") ELSE strlen("raw") - 1 + ${TIME_BYTES} END) ${arms.join(' ')} END`;
}

const DIGITS = /^[0-9-]+$/;
// The fields JSON is searched as its text, where `\`, control characters and lone surrogates
// are escaped: a run holds none of them, so it reads the same in the JSON as in the line.
const FIELDS_TEXT = `CAST(${FIELDS} AS VARCHAR)`;

/**
 * The longest run of `needle` without layout separators, JSON-escaped characters, nor `*` in a
 * wildcard search: a match of the needle in a rebuilt line holds it inside one part.
 */
export function longestRun(needle: string, wildcard: boolean): string {
  let best = '';
  let start = 0;
  for (let i = 0; i <= needle.length; i++) {
    const c = needle.charCodeAt(i);
    const cut =
      i === needle.length ||
      c < 0x20 ||
      c === 92 ||
      (c >= 0xd800 && c <= 0xdfff) ||
      SEPARATORS.includes(needle[i]) ||
      (wildcard && c === 42);
    if (cut) {
      if (i - start > best.length) best = needle.slice(start, i);
      start = i + 1;
    }
  }
  return best;
}

/**
 * The text of every part of a rebuilt line that could hold `run` (see `longestRun`): a match of
 * the run in the line lies inside one of them. `exact` are pieces of the line itself (a match in
 * one is a match in the line); `loose` is the JSON text of the fields the line takes some parts
 * from, which holds more than the line (keys, other fields) but, unlike JSON functions, does not
 * stop DuckDB from pushing the filter down to the scan. Parts that cannot hold the run (numbers
 * for a run with letters, the date for a run with other characters) are left out. Null when the
 * run may be what the line writes for a missing JSON field (`-`): every line has to be looked at.
 */
export function partsThatMayHold(run: string): { exact: string[]; loose: string[] } | null {
  const numeric = DIGITS.test(run);
  const stampLike = mayBeInStamp(run.toLowerCase());
  const seen = new Set<string>();
  let loose = false;
  for (const layout of Object.values(RAW_LAYOUTS)) {
    for (const p of layout) {
      if (p.kind === 'lit') continue;
      if (p.kind === 'column' && p.type !== 'string' && !numeric) continue;
      if (p.kind === 'stamp' && !stampLike) continue;
      // The request's words are a space apart, and a run holds no space: one of them holds it.
      if (p.kind === 'request') for (const c of ['"method"', '"path"', '"protocol"']) seen.add(c);
      else if (p.kind === 'field') {
        // A field the row lacks is written as `absent`, which its JSON text does not show.
        if (p.absent.includes(run)) return null;
        loose = true;
      } else seen.add(partSql(p));
    }
  }
  return { exact: [...seen], loose: loose ? [FIELDS_TEXT] : [] };
}
