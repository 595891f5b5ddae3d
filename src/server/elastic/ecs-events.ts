/**
 * An Elasticsearch document to a LogEvent (docs/ingest.md has the table). Documents are
 * ECS-shaped JSON objects as Filebeat, Logstash, Fluent Bit and Vector send them: `@timestamp`,
 * `log.level`, `message`, `service.name`, `host.name`, `trace.id` become the event's own
 * properties; every other member becomes a field, objects flattened with dots (`http.request.method`,
 * whether sent nested or dotted), lists kept as JSON text, nulls dropped. A document that is not
 * a JSON object, or nests deeper than Elasticsearch's default mapping depth, fails its item alone.
 */
import { civilMs, digits, inTimeRange, scan, scanFraction, UTC, zonedMicros } from '../../core/civil-time.js';
import type { Fields, FieldValue, Level, LogEvent } from '../../core/events.js';
import { normaliseLevel } from '../../core/levels.js';
import { parseIsoMicros } from '../../core/time.js';

/** Where the event sits in the store: its identity and the item's index and id. */
export interface DocPlace {
  source: string;
  generation: string;
  offset: number;
  index: string;
  id: string | null;
  /** Read time, epoch ms: the time of documents that carry none. */
  nowMs: number;
}

/** Why a document fails its item: Elasticsearch's error type and a reason. */
export interface DocError {
  type: string;
  reason: string;
}

/** Elasticsearch's default `index.mapping.depth.limit`: deeper documents are refused there too. */
export const MAX_DEPTH = 20;

type Obj = Record<string, unknown>;

/**
 * The members that become the event's own properties, met while flattening. Each is taken from
 * the first of its keys a document holds; a later key of the same property stays a field.
 */
interface Picked {
  ts: unknown;
  tsKey: string;
  level: unknown;
  levelKey: string;
  message: string | null;
  messageKey: string;
  service: string | null;
  serviceKey: string;
  host: string | null;
  hostKey: string;
  /** Every member taken, with its value, so the ones not used go back to the fields. */
  taken: [string, unknown][];
}

/** Property of each key that can hold one, and the key's rank among its property's keys. */
const PROPERTY: Record<string, [string, number]> = Object.assign(Object.create(null), {
  '@timestamp': ['ts', 0],
  timestamp: ['ts', 1],
  'log.level': ['level', 0],
  level: ['level', 1],
  message: ['message', 0],
  msg: ['message', 1],
  // Fluent Bit's tail input and Docker keep the line under `log` (ECS's `log` is an object).
  log: ['message', 2],
  'service.name': ['service', 0],
  service: ['service', 1],
  'host.name': ['host', 0],
  'host.hostname': ['host', 1],
  host: ['host', 2],
});

/** Maps one document line to an event, or says why its item fails. */
export function docToEvent(doc: string, place: DocPlace): LogEvent | DocError {
  if (doc.trim() === '') return parseError('the document is empty');
  // A long document is measured before it is parsed: JSON.parse takes any depth, and 30 MB of
  // `[` took it 10 s and 370 MB before the depth check below could refuse it.
  if (doc.length > SCAN_FIRST_BYTES && nestsDeeper(doc, MAX_DEPTH)) return tooDeep();
  let o: unknown;
  try {
    o = JSON.parse(doc);
  } catch (err) {
    return parseError(`failed to parse: ${(err as Error).message}`);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    return parseError('the document is not a JSON object');
  }
  const fields: Fields = {};
  const picked: Picked = {
    ts: undefined,
    tsKey: '',
    level: undefined,
    levelKey: '',
    message: null,
    messageKey: '',
    service: null,
    serviceKey: '',
    host: null,
    hostKey: '',
    taken: [],
  };
  const ranks = [9, 9, 9, 9, 9]; // ts, level, message, service, host: the rank of the key taken
  if (!flatten(fields, o as Obj, '', 1, picked, ranks)) return tooDeep();
  // Members of a property whose better key was found stay fields.
  for (const [key, v] of picked.taken) {
    if (
      key !== picked.tsKey &&
      key !== picked.levelKey &&
      key !== picked.messageKey &&
      key !== picked.serviceKey &&
      key !== picked.hostKey
    )
      setField(fields, key, v as FieldValue);
  }

  let ts = Number.NaN;
  if (picked.tsKey !== '') ts = timeOf(picked.ts);
  if (!inTimeRange(ts)) {
    if (picked.tsKey !== '') {
      // Kept as sent, so nothing of the document is lost.
      setField(fields, picked.tsKey, picked.ts as FieldValue);
      if (!Number.isNaN(ts)) fields.ts_out_of_range = true;
    }
    ts = Math.round(place.nowMs * 1000);
    fields.ts_source = 'received';
  }

  let level: Level = 'unknown';
  if (picked.levelKey !== '') {
    const raw = String(picked.level);
    level = normaliseLevel(raw);
    if (raw.toLowerCase() !== level) fields.level_raw = raw;
  }
  const traceId = fields['trace.id'];
  if (traceId !== undefined) {
    // The promoted column: `trace_id:<id>` finds it, as for OTLP records.
    delete fields['trace.id'];
    fields.trace_id = traceId;
  }
  fields._index = place.index;
  if (place.id !== null) fields._id = place.id;
  // Without a message the document itself is the message, so a search still finds it.
  const message =
    picked.message === null ? doc : picked.messageKey === 'log' ? lineOf(picked.message) : picked.message;
  return {
    ts,
    level,
    service: picked.service,
    host: picked.host,
    source: place.source,
    generation: place.generation,
    offset: place.offset,
    format: 'elastic',
    message,
    fields,
    raw: message,
  };
}

/** A container's output line without its line ending, as the json parser keeps it. */
function lineOf(s: string): string {
  let e = s.length;
  if (s.charCodeAt(e - 1) === 10) e--;
  if (s.charCodeAt(e - 1) === 13) e--;
  return e === s.length ? s : s.slice(0, e);
}

function tooDeep(): DocError {
  return {
    type: 'document_parsing_exception',
    reason: `Limit of mapping depth [${MAX_DEPTH}] has been exceeded: the document nests deeper`,
  };
}

/** Documents longer than this are checked for depth before JSON.parse (shorter ones cost little). */
const SCAN_FIRST_BYTES = 64 * 1024;

/** Whether JSON text opens more than `max` objects and lists at once (strings skipped). */
export function nestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: to its closing quote, escapes skipped.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function parseError(reason: string): DocError {
  return { type: 'document_parsing_exception', reason };
}

/**
 * Flattens `o` into `fields` under `prefix`, taking the members of the event's own properties
 * into `picked`. False when the document nests deeper than MAX_DEPTH (checked before anything
 * deeper is walked, so the recursion is bounded).
 */
function flatten(
  fields: Fields,
  o: Obj,
  prefix: string,
  depth: number,
  picked: Picked,
  ranks: number[],
): boolean {
  if (depth > MAX_DEPTH) return false;
  for (const k in o) {
    const v = o[k];
    if (v === null || v === undefined) continue;
    const key = prefix === '' ? k : prefix + k;
    const t = typeof v;
    if (t === 'object') {
      if (Array.isArray(v)) {
        if (!shallow(v, depth + 1)) return false;
        setField(fields, key, JSON.stringify(v));
      } else if (!flatten(fields, v as Obj, `${key}.`, depth + 1, picked, ranks)) return false;
      continue;
    }
    const prop = PROPERTY[key];
    if (prop !== undefined && take(picked, ranks, prop, key, v)) continue;
    setField(fields, key, v as FieldValue);
  }
  return true;
}

/** Whether `v` (a list) nests no deeper than MAX_DEPTH from `depth`. */
function shallow(v: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && typeof x === 'object' && !shallow(x, depth + 1)) return false;
  } else if (v !== null && typeof v === 'object') {
    for (const k in v as Obj) {
      const x = (v as Obj)[k];
      if (x !== null && typeof x === 'object' && !shallow(x, depth + 1)) return false;
    }
  }
  return true;
}

const SLOT: Record<string, number> = { ts: 0, level: 1, message: 2, service: 3, host: 4 };

/** Takes a scalar member for its property when it ranks before what was taken; false to keep it a field. */
function take(picked: Picked, ranks: number[], prop: [string, number], key: string, v: unknown): boolean {
  const [name, rank] = prop;
  const slot = SLOT[name];
  // Names and messages are text; a level may be a word or a number; a time text or a number.
  if ((slot >= 2 && typeof v !== 'string') || (slot <= 1 && typeof v === 'boolean')) return false;
  if (rank >= ranks[slot]) return false;
  ranks[slot] = rank;
  picked.taken.push([key, v]);
  switch (slot) {
    case 0:
      picked.ts = v;
      picked.tsKey = key;
      break;
    case 1:
      picked.level = v;
      picked.levelKey = key;
      break;
    case 2:
      picked.message = v as string;
      picked.messageKey = key;
      break;
    case 3:
      picked.service = v as string;
      picked.serviceKey = key;
      break;
    default:
      picked.host = v as string;
      picked.hostKey = key;
  }
  return true;
}

/** Sets a field; `__proto__` is defined as a plain property instead of changing the prototype. */
function setField(fields: Fields, key: string, v: FieldValue): void {
  if (key === '__proto__') Object.defineProperty(fields, key, { value: v, enumerable: true, writable: true });
  else fields[key] = v;
}

/**
 * A date as Elasticsearch's default format reads it (`strict_date_optional_time||epoch_millis`):
 * RFC 3339 text (a zone-less one is UTC), a date alone, or milliseconds since the epoch as a
 * number or digits. NaN when it reads as none.
 */
export function timeOf(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * 1000) : Number.NaN;
  if (typeof v !== 'string') return Number.NaN;
  const n = v.length;
  if (n > 0 && n <= 16 && /^-?\d+$/.test(v)) return Number(v) * 1000;
  if (n === 10) return parseIsoMicros(`${v}T00:00:00Z`);
  return rfc3339(v);
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`, the form every agent writes, read in place;
 * anything else through parseIsoMicros, whose regular expression and Date.parse took 2 µs of
 * the 12 a document cost (a CPU profile of 65,000 Filebeat-shaped documents; JSON.parse most of the rest).
 */
function rfc3339(s: string): number {
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const t = s.charCodeAt(10);
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 31 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    sec < 0 ||
    sec > 59 ||
    (t !== 84 && t !== 116) ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return parseIsoMicros(s);
  let us = 0;
  let k = 19;
  if (s.charCodeAt(k) === 46) {
    us = scanFraction(s, k);
    k = scan.end;
  }
  const at = zonedMicros(s, k, civilMs(y, mo, d, h, mi, sec), us, UTC);
  return scan.end === s.length ? at : parseIsoMicros(s);
}
