/**
 * Raw access lines straight into segment rows, with no LogEvent between: one scan of the line
 * finds its parts and writes them to their columns. It takes only the lines the store would
 * rebuild from their columns anyway (core/raw-layouts: one space between parts, no escapes, a
 * date that comes back from its time and zone, nothing after the user agent), so a taken line
 * keeps neither `raw` nor `message`. Every other line goes through the parser and `addEvents`.
 * The rows come out byte for byte as parse + `addEvents` make them: the scan follows the access
 * parser's reading (parser/formats/apache-combined.ts), and a property test holds the two to it.
 */
import { httpStamp, isMethod, scanHttpDate } from '../../core/access-line.js';
import { inTimeRange } from '../../core/civil-time.js';
import type { RawEvent } from '../../core/events.js';
import { levelFromHttpStatus } from '../../core/levels.js';
import { blockEvent, blockEvents, blockText, type LineBlock } from '../../core/line-block.js';
import { RAW_LAYOUTS } from '../../core/raw-layouts.js';
import { FIELDS_COLUMN, RAW_ZONE_COLUMN } from '../../core/schema.js';
import type { AccessPlan, RawParser } from '../../core/storage.js';
import {
  type DictColumn,
  type NumberColumn,
  putDict,
  putDictPart,
  putNumber,
  putPart,
  putString,
  reserveRows,
  type StringColumn,
} from '../parquet/column-buffers.js';
import { MESSAGE_PLACE_COLUMN, TABLE_COLUMNS, TIME_PLACE_COLUMN } from './columns.js';
import { addEvents, type EventRows, growKeys, rowKey } from './event-columns.js';
import { beginObject, endObject, writeMember } from './fields-json.js';

const at = (name: string): number => TABLE_COLUMNS.findIndex((c) => c.name === name);
const TS = at('ts');
const LEVEL = at('level');
const SERVICE = at('service');
const HOST = at('host');
const SOURCE = at('source');
const GENERATION = at('generation');
const OFFSET = at('offset');
const FORMAT = at('format');
const MESSAGE = at('message');
const RAW = at('raw');
const FIELDS = at(FIELDS_COLUMN);
const RAW_ZONE = at(RAW_ZONE_COLUMN);
const MESSAGE_PLACE = at(MESSAGE_PLACE_COLUMN);
const TIME_PLACE = at(TIME_PLACE_COLUMN);
const STATUS = at('status');
const METHOD = at('method');
const PATH = at('path');
const BYTES = at('bytes');
const LATENCY = at('latency_ms');
const CLIENT_IP = at('client_ip');
const TRACE_ID = at('trace_id');
const PROTOCOL = at('protocol');
const REFERRER = at('referrer');
const USER_AGENT = at('user_agent');
/** Every column written below (ingested_at is stamped by the append). */
const COVERED = new Set([
  TS,
  LEVEL,
  SERVICE,
  HOST,
  SOURCE,
  GENERATION,
  OFFSET,
  FORMAT,
  MESSAGE,
  RAW,
  FIELDS,
  RAW_ZONE,
  MESSAGE_PLACE,
  TIME_PLACE,
  STATUS,
  METHOD,
  PATH,
  BYTES,
  LATENCY,
  CLIENT_IP,
  TRACE_ID,
  PROTOCOL,
  REFERRER,
  USER_AGENT,
  at('ingested_at'),
]);
if (COVERED.size !== TABLE_COLUMNS.length || COVERED.has(-1)) {
  // A column added to the table must be written here too, or rows would come out unlike addEvents'.
  throw new Error('access-rows: the table has columns this encoder does not write');
}

const STAMP_LENGTH = 26;
const COMMON_LAYOUT = RAW_LAYOUTS.apache_common;
const COMBINED_LAYOUT = RAW_LAYOUTS.apache_combined;
/** Digits of a byte count that stay exact as a double (and as String(n) spells it). */
const MAX_DIGITS = 15;

// Lines of a batch share their second: the last date text, its time and zone are kept.
let lastStamp = '';
let lastUs = Number.NaN;
let lastZone = 0;

/**
 * The date's time (epoch µs) when it is exactly what httpStamp writes for it and in the range
 * logpipe keeps (a date outside goes through the parser, which flags it); NaN otherwise.
 */
function stampMicros(line: string, from: number): number {
  const text = line.slice(from, from + STAMP_LENGTH);
  if (text === lastStamp) return lastUs;
  let us = Number.NaN;
  const sign = text.charCodeAt(21);
  if (sign === 43 || sign === 45) {
    const v = Number(text.slice(22, 26));
    const zone = (sign === 45 ? -1 : 1) * (Math.trunc(v / 100) * 60 + (v % 100));
    const t = scanHttpDate(text, 0);
    if (inTimeRange(t) && httpStamp(t, zone) === text) {
      us = t;
      lastZone = zone;
    }
  }
  lastStamp = text;
  lastUs = us;
  return us;
}

/** `line[from, to)`, or null for a lone `-` (the access parser's "absent"). */
function partOrAbsent(line: string, from: number, to: number): string | null {
  return to - from === 1 && line.charCodeAt(from) === 45 ? null : line.slice(from, to);
}

/** Row `i` of `c` set to `line[from, to)`, or to null for a lone `-`. */
function putPartOrAbsent(c: DictColumn, i: number, line: string, from: number, to: number): void {
  if (to - from === 1 && line.charCodeAt(from) === 45) c.ids[i] = -1;
  else putDictPart(c, i, line, from, to);
}

/**
 * Writes `e` as the next row of `r` when its line is an access line in the plan's layout that the
 * store rebuilds; returns false, writing nothing, for any other line.
 */
export function addAccessLine(r: EventRows, e: RawEvent, plan: AccessPlan): boolean {
  const line = e.line;
  if (typeof line !== 'string' || e.truncated === true) return false;
  const bs = line.indexOf('\\');
  return addAccessText(r, line, 0, line.length, bs < 0 ? line.length : bs, e, plan);
}

/**
 * As addAccessLine, for the line `text[start, n)` (a line inside a block's text: no slice is
 * made of it), with `e` giving its source, offset and defaults. `backslash` is where the first
 * `\\` at or after `start` is (`n` or beyond when there is none in the line).
 */
function addAccessText(
  r: EventRows,
  line: string,
  start: number,
  n: number,
  backslash: number,
  e: RawEvent,
  plan: AccessPlan,
): boolean {
  // Escapes and CRLF endings parse, but do not come back from the columns.
  if (backslash < n || n === start || line.charCodeAt(n - 1) === 13) return false;
  const sp1 = line.indexOf(' ', start);
  if (sp1 <= start || sp1 >= n) return false;
  const sp2 = line.indexOf(' ', sp1 + 1);
  if (sp2 < 0) return false;
  const br = line.indexOf(' [', sp2 + 1);
  if (br < 0) return false;
  // A date httpStamp writes holds no `]`, so the parser's closing bracket is right after it.
  const close = br + 2 + STAMP_LENGTH;
  if (line.charCodeAt(close) !== 93 || line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34)
    return false;
  const ts = stampMicros(line, br + 2);
  if (Number.isNaN(ts)) return false;
  const zone = lastZone;
  // The request: `METHOD path protocol` or `METHOD path`, up to the next quote (no escapes).
  const reqStart = close + 3;
  const reqEnd = line.indexOf('"', reqStart);
  if (reqEnd < 0 || reqEnd >= n || line.charCodeAt(reqEnd + 1) !== 32) return false;
  const m1 = line.indexOf(' ', reqStart);
  if (m1 <= reqStart || m1 >= reqEnd || !isMethod(line, reqStart, m1)) return false;
  // The last space of the request, found from its end (lastIndexOf is a slow runtime call).
  let m2 = reqEnd - 1;
  while (m2 > m1 && line.charCodeAt(m2) !== 32) m2--;
  // Status: three digits, the first not 0; then a space.
  let k = reqEnd + 2;
  const s0 = line.charCodeAt(k) - 48;
  const s1 = line.charCodeAt(k + 1) - 48;
  const s2 = line.charCodeAt(k + 2) - 48;
  if (!(s0 >= 1 && s0 <= 9 && s1 >= 0 && s1 <= 9 && s2 >= 0 && s2 <= 9)) return false;
  const status = s0 * 100 + s1 * 10 + s2;
  k += 3;
  if (line.charCodeAt(k) !== 32) return false;
  k++;
  // Bytes: `-`, or digits as String(n) writes them (no leading zero).
  let bytes = -1;
  if (line.charCodeAt(k) === 45) k++;
  else {
    const from = k;
    let v = 0;
    for (; k < n; k++) {
      const c = line.charCodeAt(k) - 48;
      if (!(c >= 0 && c <= 9)) break;
      v = v * 10 + c;
    }
    if (k === from || k - from > MAX_DIGITS || (line.charCodeAt(from) === 48 && k - from > 1)) return false;
    bytes = v;
  }
  let format: string;
  let refStart = -1;
  let refEnd = -1;
  let uaStart = -1;
  if (k === n) {
    // A common line: its format must be one whose layout ends here.
    format = plan.common;
    if (RAW_LAYOUTS[format] !== COMMON_LAYOUT) return false;
  } else {
    // ` "referrer" "user agent"` and nothing after.
    if (line.charCodeAt(k) !== 32 || line.charCodeAt(k + 1) !== 34) return false;
    format = plan.combined;
    if (RAW_LAYOUTS[format] !== COMBINED_LAYOUT) return false;
    refStart = k + 2;
    refEnd = line.indexOf('"', refStart);
    // An empty quoted part parses as absent but would come back as `-`.
    if (refEnd <= refStart || line.charCodeAt(refEnd + 1) !== 32 || line.charCodeAt(refEnd + 2) !== 34)
      return false;
    uaStart = refEnd + 3;
    const uaEnd = line.indexOf('"', uaStart);
    if (uaEnd !== n - 1 || uaEnd === uaStart) return false;
  }

  const b = r.columns;
  if (b.rows >= b.capacity) {
    reserveRows(b, 1);
    growKeys(r);
  }
  const c = b.columns;
  const i = b.rows;
  putNumber(c[TS] as NumberColumn, i, ts);
  putDict(c[LEVEL] as DictColumn, i, levelFromHttpStatus(status));
  putDict(c[SERVICE] as DictColumn, i, e.service ?? plan.service);
  putDict(c[HOST] as DictColumn, i, e.host ?? plan.host);
  putDict(c[SOURCE] as DictColumn, i, e.source);
  putDict(c[GENERATION] as DictColumn, i, e.generation);
  putNumber(c[OFFSET] as NumberColumn, i, e.offset);
  putDict(c[FORMAT] as DictColumn, i, format);
  putString(c[MESSAGE] as StringColumn, i, null);
  putString(c[RAW] as StringColumn, i, null);
  putNumber(c[RAW_ZONE] as NumberColumn, i, zone);
  putNumber(c[MESSAGE_PLACE] as NumberColumn, i, null);
  putNumber(c[TIME_PLACE] as NumberColumn, i, null);
  r.keyOf[i] = rowKey(r, e.source, e.generation);
  putNumber(c[STATUS] as NumberColumn, i, status);
  putDictPart(c[METHOD] as DictColumn, i, line, reqStart, m1);
  if (m2 > m1) {
    putPart(c[PATH] as StringColumn, i, line, m1 + 1, m2);
    putDictPart(c[PROTOCOL] as DictColumn, i, line, m2 + 1, reqEnd);
  } else {
    putPart(c[PATH] as StringColumn, i, line, m1 + 1, reqEnd);
    putDict(c[PROTOCOL] as DictColumn, i, null);
  }
  putNumber(c[BYTES] as NumberColumn, i, bytes < 0 ? null : bytes);
  putNumber(c[LATENCY] as NumberColumn, i, null);
  putPart(c[CLIENT_IP] as StringColumn, i, line, start, sp1);
  putString(c[TRACE_ID] as StringColumn, i, null);
  if (refStart < 0) {
    putDict(c[REFERRER] as DictColumn, i, null);
    putDict(c[USER_AGENT] as DictColumn, i, null);
  } else {
    putPartOrAbsent(c[REFERRER] as DictColumn, i, line, refStart, refEnd);
    putPartOrAbsent(c[USER_AGENT] as DictColumn, i, line, uaStart, n - 1);
  }
  // ident and user, the two parts no column takes, go into `fields` as the parser names them.
  const fields = c[FIELDS] as StringColumn;
  const ident = partOrAbsent(line, sp1 + 1, sp2);
  const user = partOrAbsent(line, sp2 + 1, br);
  if (ident === null && user === null) fields.lengths[i] = -1;
  else {
    const start = beginObject(fields);
    if (ident !== null) writeMember(fields, true, 'ident', ident);
    if (user !== null) writeMember(fields, ident === null, 'user', user);
    fields.lengths[i] = endObject(fields, start);
  }
  b.rows = i + 1;
  return true;
}

/**
 * Lines parsed and encoded at a time when the rest of a batch goes to the parser: a 1 MiB block
 * parsed whole kept its ~7,000 RawEvents, LogEvents and fields objects alive through the parse
 * worker's scavenges, which copied them on (23 % of the worker's time was GC in a profile of
 * the real-shaped import).
 */
const PARSE_CHUNK = 256;

/**
 * Encodes raw events onto the end of `r` as `addEvents(r, parse(events))` would: access lines
 * the parser would read as such are written here directly, the rest parsed. A line whose source
 * is not known to be an access log is parsed alone (it may settle its source's format); when the
 * next is not known either, the rest of the batch goes to the parser whole.
 */
export function addRawEvents(r: EventRows, events: readonly RawEvent[], parse: RawParser): void {
  // Room for the batch at once, not a check that grows the columns line by line.
  reserveRows(r.columns, events.length);
  growKeys(r);
  let unplanned = false;
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    const plan = parse.accessPlan(e);
    if (plan === null) {
      if (unplanned) {
        for (let at = k; at < events.length; at += PARSE_CHUNK) {
          addEvents(r, parse(events.slice(at, at + PARSE_CHUNK)));
        }
        return;
      }
      unplanned = true;
      addEvents(r, parse([e]));
      continue;
    }
    unplanned = false;
    if (addAccessLine(r, e, plan)) parse.tookAccess(e);
    else addEvents(r, parse([e]));
  }
}

/**
 * Encodes a block's lines onto the end of `r` as `addRawEvents(r, blockEvents(block), parse)`
 * would, decoding the block once: an ASCII block's access lines are read in place in its text,
 * with no string or RawEvent made for them.
 */
export function addRawBlock(r: EventRows, block: LineBlock, parse: RawParser): void {
  const n = block.count;
  reserveRows(r.columns, n);
  growKeys(r);
  const text = blockText(block);
  // One event stands for every line that is read in place: only its offset changes.
  const e = blockEvent(block, 0, '', false);
  const { starts, lengths, offsets, cut } = block;
  let nextCut = 0;
  // Where the next backslash is, at or after the line being read (text.length when none is left).
  let backslash = -1;
  let unplanned = false;
  for (let k = 0; k < n; k++) {
    const isCut = nextCut < cut.length && cut[nextCut] === k;
    if (isCut) nextCut++;
    const plan = parse.accessPlan(e);
    if (plan === null) {
      if (unplanned) {
        for (let at = k; at < n; at += PARSE_CHUNK) {
          addEvents(r, parse(blockEvents(block, at, at + PARSE_CHUNK, text)));
        }
        return;
      }
      unplanned = true;
      addEvents(r, parse([blockEvent(block, k, text, isCut)]));
      continue;
    }
    unplanned = false;
    if (text !== null && !isCut) {
      const start = starts[k];
      if (backslash < start) {
        backslash = text.indexOf('\\', start);
        if (backslash < 0) backslash = text.length;
      }
      e.offset = offsets[k];
      if (addAccessText(r, text, start, start + lengths[k], backslash, e, plan)) {
        parse.tookAccess(e);
        continue;
      }
    }
    // Read in place and refused (or cut): parsed. A block that is not ASCII is read line by line.
    const line = blockEvent(block, k, text, isCut);
    if (text === null && addAccessLine(r, line, plan)) parse.tookAccess(line);
    else addEvents(r, parse([line]));
  }
}
