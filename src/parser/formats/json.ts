/**
 * JSON lines: one object per line, flattened into fields with dotted keys. The well-known keys
 * for time, level, message, service and host become the event's own properties (and are not
 * repeated in fields); arrays are kept as JSON text, numbers and booleans keep their type, nulls
 * are dropped.
 */
import type { Fields, Level } from '../../core/events.js';
import { levelFromSyslogSeverity, normaliseLevel } from '../../core/levels.js';
import { levelToken, levelWord } from '../level-words.js';
import { epochToMicros, inTimeRange, parseEpochText, parseIso, type Zone } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** Keys whose value is taken for the event's time (the first that holds one). */
// After the common names: AWS CloudTrail's `eventTime`, the systemd journal's fields (`journalctl
// -o json`: `__REALTIME_TIMESTAMP` µs, `PRIORITY` 0-7, `MESSAGE`, `SYSLOG_IDENTIFIER`, `_HOSTNAME`).
export const TS_KEYS = [
  'ts',
  'timestamp',
  'time',
  '@timestamp',
  't',
  'date',
  'eventTime',
  '__REALTIME_TIMESTAMP',
];
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'loglevel', 'PRIORITY'];
const MESSAGE_KEYS = ['msg', 'message', 'event', 'MESSAGE'];
const SERVICE_KEYS = ['service', 'app', 'SYSLOG_IDENTIFIER'];
const HOST_KEYS = ['host', 'hostname', '_HOSTNAME'];
/** Docker's json-file driver keeps the container's line under `log` (JSON lines only). */
const CONTAINER_LINE_KEY = 'log';

/** Nesting beyond this is kept as JSON text rather than flattened further. */
const MAX_DEPTH = 16;

/** A decoded object, as JSON.parse gives it. */
export type Obj = Record<string, unknown>;

/** A time value from JSON: ISO text (zone-less read in `zone`), or an epoch number / numeric text. */
export function jsonTime(v: unknown, zone: Zone): number {
  if (typeof v === 'number') return epochToMicros(v);
  if (typeof v !== 'string') return Number.NaN;
  const iso = parseIso(v, zone);
  return Number.isNaN(iso) ? parseEpochText(v) : iso;
}

/** A level value from JSON: a word, or a number (pino/bunyan 10..60, syslog severity 0..7). */
export function jsonLevel(v: unknown): Level {
  if (typeof v === 'string') {
    // A syslog severity as text (the journal's `"PRIORITY":"6"`).
    if (v.length === 1 && v >= '0' && v <= '7') return levelFromSyslogSeverity(v.charCodeAt(0) - 48);
    const l = normaliseLevel(v);
    // The text parsers' word list knows a few more spellings (MySQL's `Note`).
    return l === 'unknown' ? (levelWord(v) ?? l) : l;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) return 'unknown';
  if (v >= 0 && v <= 7) return levelFromSyslogSeverity(v);
  if (v >= 10 && v <= 60 && v % 10 === 0) {
    return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[v / 10 - 1];
  }
  return 'unknown';
}

function firstString(o: Obj, keys: string[]): string | undefined {
  for (const k of keys) {
    if (Object.hasOwn(o, k)) {
      const v = o[k];
      if (typeof v === 'string') return k;
    }
  }
  return undefined;
}

/** Sets a field; `__proto__` is defined as a plain property instead of changing the prototype. */
function setField(out: Fields, key: string, v: string | number | boolean): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true });
  else out[key] = v;
}

/** Flattens `v` under `key` into `out` (dotted keys; arrays as JSON text; null dropped). */
export function flattenInto(out: Fields, key: string, v: unknown, depth: number): void {
  if (v === null || v === undefined) return;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') {
    setField(out, key, v as string | number | boolean);
  } else if (Array.isArray(v)) {
    setField(out, key, JSON.stringify(v));
  } else if (t === 'object') {
    if (depth >= MAX_DEPTH) {
      setField(out, key, JSON.stringify(v));
      return;
    }
    const o = v as Obj;
    for (const k in o) flattenInto(out, dottedKey(key, k), o[k], depth + 1);
  }
}

/**
 * `parent.child`, the same string each time: a key made afresh is a new string V8 must look up
 * in its string table before it can name a property, on every row. CloudTrail lines (a dozen
 * nested keys) were parsed and encoded in 8.0 µs a row with the keys made afresh, 7.1 µs from
 * here (33,333 lines, medians of 8 passes, 3 alternated runs, 2026-12-08). Bounded: past
 * MAX_DOTTED keys (a source whose keys never repeat) the memory starts over.
 */
const dotted = new Map<string, Map<string, string>>();
let dottedCount = 0;
const MAX_DOTTED = 50_000;

function dottedKey(parent: string, child: string): string {
  let children = dotted.get(parent);
  if (children === undefined) {
    if (dottedCount >= MAX_DOTTED) {
      dotted.clear();
      dottedCount = 0;
    }
    children = new Map();
    dotted.set(parent, children);
  }
  let key = children.get(child);
  if (key === undefined) {
    key = `${parent}.${child}`;
    children.set(child, key);
    dottedCount++;
  }
  return key;
}

function looksLikeObject(line: string): boolean {
  let a = 0;
  let b = line.length - 1;
  while (a <= b && line.charCodeAt(a) <= 32) a++;
  while (b >= a && line.charCodeAt(b) <= 32) b--;
  return line.charCodeAt(a) === 123 && line.charCodeAt(b) === 125;
}

/** Parses a JSON object line; null for anything else. */
export function parseJson(line: string, ctx: ParseContext): Parsed | null {
  if (!looksLikeObject(line)) return null;
  let o: Obj;
  try {
    o = JSON.parse(line) as Obj;
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
  return fromObject(o, ctx, 'json', line);
}

/**
 * An event from a decoded object (JSON, or logfmt/kv pairs): the well-known keys become the
 * event's time, level, message, service and host; the rest are flattened into fields.
 */
export function fromObject(o: Obj, ctx: ParseContext, format: string, line: string): Parsed {
  let ts = Number.NaN;
  let tsKey: string | undefined;
  for (const k of TS_KEYS) {
    if (!Object.hasOwn(o, k)) continue;
    const us = jsonTime(o[k], ctx.zone);
    if (inTimeRange(us)) {
      ts = us;
      tsKey = k;
      break;
    }
    // A time out of range stays in fields under its key; the event is flagged (parser/event.ts)
    // unless a later key holds one in range.
    if (Number.isNaN(ts)) ts = us;
  }
  let level: Level = 'unknown';
  let levelKey: string | undefined;
  let levelRaw: string | undefined;
  for (const k of LEVEL_KEYS) {
    if (!Object.hasOwn(o, k)) continue;
    const v = o[k];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    levelKey = k;
    level = jsonLevel(v);
    const raw = String(v);
    if (raw.toLowerCase() !== level) levelRaw = raw;
    break;
  }
  let msgKey = firstString(o, MESSAGE_KEYS);
  let message: string | undefined;
  if (msgKey === undefined && format === 'json' && typeof o[CONTAINER_LINE_KEY] === 'string') {
    // A container's line: its newline dropped, and its own leading level word used.
    msgKey = CONTAINER_LINE_KEY;
    message = containerLine(o[CONTAINER_LINE_KEY] as string);
    if (level === 'unknown') {
      let e = 0;
      while (e < message.length && message.charCodeAt(e) !== 32) e++;
      level = levelToken(message, 0, e) ?? 'unknown';
    }
  }
  const serviceKey = firstString(o, SERVICE_KEYS);
  const hostKey = firstString(o, HOST_KEYS);

  const fields: Fields = {};
  for (const k in o) {
    if (k === tsKey || k === levelKey || k === msgKey || k === serviceKey || k === hostKey) continue;
    flattenInto(fields, k, o[k], 0);
  }
  if (levelRaw !== undefined) fields.level_raw = levelRaw;
  return {
    format,
    ts,
    level,
    // Without a message key the line itself is the message, so a search still finds it.
    message: message ?? (msgKey !== undefined ? (o[msgKey] as string) : line),
    service: serviceKey !== undefined ? (o[serviceKey] as string) : null,
    host: hostKey !== undefined ? (o[hostKey] as string) : null,
    fields,
  };
}

/** A container's output line without its line ending. */
function containerLine(s: string): string {
  let e = s.length;
  if (s.charCodeAt(e - 1) === 10) e--;
  if (s.charCodeAt(e - 1) === 13) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** The `json` format. */
export const json: FormatDef = {
  id: 'json',
  parse: parseJson,
  probe: (_line, first) => first === 123,
};
