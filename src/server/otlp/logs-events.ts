/**
 * OTLP log records to LogEvents (docs/ingest.md has the table). One mapper serves both
 * encodings: protobufjs decodes into the same lowerCamelCase shape OTLP/JSON uses, except that
 * ids are bytes there and hex strings here, and 64-bit numbers are Longs there and decimal
 * strings (or numbers) here. Anything else a JSON body holds is checked as it is read: a wrong
 * shape rejects the whole request with a message naming where (nothing is stored half-way); a
 * record with an id of the wrong length is rejected alone and counted in the partial success.
 */
import { inTimeRange } from '../../core/civil-time.js';
import { UserError } from '../../core/errors.js';
import type { Fields, FieldValue, Level, LogEvent } from '../../core/events.js';
import { normaliseLevel } from '../../core/levels.js';

/** Where the events of one request come from. */
export interface OtlpIdentity {
  source: string;
  generation: string;
  /** Read time, epoch ms: the time of records that carry none. */
  nowMs: number;
}

export interface OtlpDecoded {
  events: LogEvent[];
  /** Records not stored, and why (the first reason). */
  rejected: number;
  reason: string;
}

type Obj = Record<string, unknown>;

/** The fields every record of a scope starts with (the resource's, then the scope's), in order. */
export interface BaseFields {
  keys: string[];
  values: FieldValue[];
}

/**
 * A record's fields, starting with its scope's. Built up from an empty object: a copy of one
 * object per record (`{ ...resource, ...scope }`) took a hidden class of its own, and every field
 * added to it another, which tripled the cost of reading a protobuf request.
 */
export function baseFields(base: BaseFields): Fields {
  const fields: Fields = {};
  for (let k = 0; k < base.keys.length; k++) fields[base.keys[k]] = base.values[k];
  return fields;
}

/** Maps an export request (decoded protobuf or parsed JSON) to events. */
export function otlpLogsToEvents(req: unknown, id: OtlpIdentity): OtlpDecoded {
  const out: OtlpDecoded = { events: [], rejected: 0, reason: '' };
  const root = object(req, 'the request');
  const resources = list(root.resourceLogs, 'resourceLogs');
  let offset = 0;
  for (let r = 0; r < resources.length; r++) {
    const rPath = `resourceLogs[${r}]`;
    const rl = object(resources[r], rPath);
    const resource =
      rl.resource === undefined || rl.resource === null ? {} : object(rl.resource, `${rPath}.resource`);
    const resFields: Fields = {};
    addAttributes(resFields, resource.attributes, `${rPath}.resource.attributes`);
    const service = takeString(resFields, 'service.name');
    const host = takeString(resFields, 'host.name');
    const scopes = list(rl.scopeLogs, `${rPath}.scopeLogs`);
    for (let s = 0; s < scopes.length; s++) {
      const sPath = `${rPath}.scopeLogs[${s}]`;
      const sl = object(scopes[s], sPath);
      const scopeFields: Fields = {};
      if (sl.scope !== undefined && sl.scope !== null) {
        const scope = object(sl.scope, `${sPath}.scope`);
        const name = optionalString(scope.name, `${sPath}.scope.name`);
        const version = optionalString(scope.version, `${sPath}.scope.version`);
        if (name) scopeFields['scope.name'] = name;
        if (version) scopeFields['scope.version'] = version;
        addAttributes(scopeFields, scope.attributes, `${sPath}.scope.attributes`, 'scope.');
      }
      const records = list(sl.logRecords, `${sPath}.logRecords`);
      const merged: Fields = { ...resFields, ...scopeFields };
      const base: BaseFields = { keys: Object.keys(merged), values: Object.values(merged) };
      for (let i = 0; i < records.length; i++) {
        const path = `${sPath}.logRecords[${i}]`;
        const ev = toEvent(object(records[i], path), path, id, offset++, service, host, base, out);
        if (ev !== null) out.events.push(ev);
      }
    }
  }
  return out;
}

function toEvent(
  rec: Obj,
  path: string,
  id: OtlpIdentity,
  offset: number,
  service: string | null,
  host: string | null,
  base: BaseFields,
  out: OtlpDecoded,
): LogEvent | null {
  const fields = baseFields(base);
  addAttributes(fields, rec.attributes, `${path}.attributes`);
  const traceId = hexId(rec.traceId, 16, `${path}.traceId`);
  const spanId = hexId(rec.spanId, 8, `${path}.spanId`);
  if (traceId === null || spanId === null) {
    out.rejected++;
    if (out.reason === '') {
      out.reason =
        traceId === null
          ? `${path}.traceId: a trace id is 16 bytes (32 hex digits)`
          : `${path}.spanId: a span id is 8 bytes (16 hex digits)`;
    }
    return null;
  }
  if (traceId !== '') fields.trace_id = traceId;
  if (spanId !== '') fields.span_id = spanId;
  const flags = optionalNumber(rec.flags, `${path}.flags`);
  if (flags) fields.trace_flags = flags;
  const severityText = optionalString(rec.severityText, `${path}.severityText`);
  if (severityText) fields.severity_text = severityText;
  const eventName = optionalString(rec.eventName, `${path}.eventName`);
  if (eventName) fields.event_name = eventName;
  const severity = optionalNumber(rec.severityNumber, `${path}.severityNumber`);
  const level = levelOf(severity, severityText);

  let ts = nanosToMicros(rec.timeUnixNano, `${path}.timeUnixNano`);
  if (ts === 0) ts = nanosToMicros(rec.observedTimeUnixNano, `${path}.observedTimeUnixNano`);
  if (ts === 0 || !inTimeRange(ts)) {
    if (ts !== 0) fields.ts_out_of_range = true;
    ts = Math.round(id.nowMs * 1000);
    fields.ts_source = 'received';
  }

  const message =
    rec.body !== undefined && rec.body !== null
      ? bodyMessage(fields, anyValue(rec.body, `${path}.body`))
      : '';
  return {
    ts,
    level,
    service,
    host,
    source: id.source,
    generation: id.generation,
    offset,
    format: 'otlp',
    message,
    fields,
    raw: message,
  };
}

/**
 * A record's message from its body (as plain data): a string as it is; a map's keys become
 * fields, its `message` (or `msg`) the message, else the map as JSON; anything else as text.
 */
export function bodyMessage(fields: Fields, body: unknown): string {
  if (typeof body === 'string') return body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    flatten(fields, body as Obj, '');
    const m = (body as Obj).message ?? (body as Obj).msg;
    return typeof m === 'string' ? m : JSON.stringify(body);
  }
  return body === null ? '' : typeof body === 'object' ? JSON.stringify(body) : String(body);
}

/** Severity number ranges of the OTLP data model; the text when the number is unset. */
export function levelOf(n: number, text: string): Level {
  if (n >= 1 && n <= 4) return 'trace';
  if (n >= 5 && n <= 8) return 'debug';
  if (n >= 9 && n <= 12) return 'info';
  if (n >= 13 && n <= 16) return 'warn';
  if (n >= 17 && n <= 20) return 'error';
  if (n >= 21 && n <= 24) return 'fatal';
  return normaliseLevel(text);
}

/** A fixed64 nanosecond time (Long, number or decimal string) as µs; 0 when unset. */
function nanosToMicros(v: unknown, path: string): number {
  if (v === undefined || v === null || v === 0 || v === '0' || v === '') return 0;
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw bad(path, 'expected nanoseconds since the epoch');
    return Math.floor(v / 1000);
  }
  if (typeof v === 'string') text = v;
  else if (typeof v === 'object' && isLong(v)) {
    // A protobuf fixed64, divided by 1,000 exactly in doubles while its high word is below 2^30
    // (until 2116): hi·2^32/1000 = hi·4,294,967 + hi·296/1000. BigInt and a decimal string for
    // every record cost a fifth of the mapping.
    const hi = v.high >>> 0;
    if (hi < 0x40000000) return hi * 4_294_967 + Math.floor((hi * 296 + (v.low >>> 0)) / 1000);
    text = v.toString();
  } else throw bad(path, 'expected nanoseconds since the epoch, as a decimal string or number');
  if (!/^\d{1,20}$/.test(text))
    throw bad(path, `expected nanoseconds since the epoch, got ${JSON.stringify(text.slice(0, 40))}`);
  return Number(BigInt(text) / 1000n);
}

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
  toString(): string;
}

function isLong(v: object): v is LongLike {
  return 'low' in v && 'high' in v && typeof (v as LongLike).toString === 'function';
}

/** A trace or span id: bytes (protobuf) or hex (JSON); '' when unset, null when malformed. */
function hexId(v: unknown, bytes: number, path: string): string | null {
  // protobufjs gives an absent bytes field its default, an empty array.
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) return '';
  if (v instanceof Uint8Array) {
    if (v.length === 0) return '';
    return v.length === bytes ? Buffer.from(v).toString('hex') : null;
  }
  if (typeof v !== 'string') throw bad(path, 'expected a hex string');
  if (v.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(v)) return null;
  return v.toLowerCase();
}

/**
 * How deep lists and maps may nest in one value. Real attributes nest a few levels; a hostile body
 * nested thousands deep would otherwise cost a stack and a path string per level.
 */
export const MAX_VALUE_DEPTH = 32;

/** An AnyValue as plain data: string, number, boolean, array, object, or null when empty. */
function anyValue(v: unknown, path: string, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH) throw bad(path, `values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  const o = object(v, path);
  if (set(o, 'stringValue')) return stringOf(o.stringValue, path);
  if (set(o, 'boolValue')) {
    if (typeof o.boolValue !== 'boolean') throw bad(`${path}.boolValue`, 'expected true or false');
    return o.boolValue;
  }
  if (set(o, 'intValue')) return intOf(o.intValue, `${path}.intValue`);
  if (set(o, 'doubleValue')) {
    const d = typeof o.doubleValue === 'string' ? Number(o.doubleValue) : o.doubleValue;
    if (typeof d !== 'number' || Number.isNaN(d)) throw bad(`${path}.doubleValue`, 'expected a number');
    return d;
  }
  if (set(o, 'arrayValue')) {
    const a = object(o.arrayValue, `${path}.arrayValue`);
    return list(a.values, `${path}.arrayValue.values`).map((x, i) =>
      anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if (set(o, 'kvlistValue')) {
    const kv = object(o.kvlistValue, `${path}.kvlistValue`);
    const res: Obj = {};
    const values = list(kv.values, `${path}.kvlistValue.values`);
    for (let i = 0; i < values.length; i++) {
      const p = `${path}.kvlistValue.values[${i}]`;
      const pair = object(values[i], p);
      const key = stringOf(pair.key, `${p}.key`);
      res[key] =
        pair.value === undefined || pair.value === null
          ? null
          : anyValue(pair.value, `${p}.value`, depth + 1);
    }
    return res;
  }
  if (set(o, 'bytesValue')) {
    if (o.bytesValue instanceof Uint8Array) return Buffer.from(o.bytesValue).toString('base64');
    return stringOf(o.bytesValue, `${path}.bytesValue`);
  }
  return null;
}

/**
 * Whether `o` itself holds `key`. A decoded protobuf message answers every field, a oneof's unset
 * members included, with its default from its prototype; only the fields the body set are its own.
 */
function set(o: Obj, key: string): boolean {
  return Object.hasOwn(o, key) && o[key] !== null && o[key] !== undefined;
}

/** Adds `KeyValue`s as fields: scalars as they are, maps flattened with dots, lists as JSON. */
function addAttributes(fields: Fields, attrs: unknown, path: string, prefix = ''): void {
  if (attrs === undefined || attrs === null) return;
  const items = list(attrs, path);
  for (let i = 0; i < items.length; i++) {
    const p = `${path}[${i}]`;
    const kv = object(items[i], p);
    const key = stringOf(kv.key, `${p}.key`);
    if (key === '' || kv.value === undefined || kv.value === null) continue;
    const v = anyValue(kv.value, `${p}.value`);
    put(fields, prefix + key, v);
  }
}

function flatten(fields: Fields, o: Obj, prefix: string): void {
  for (const [k, v] of Object.entries(o)) put(fields, prefix + k, v);
}

/** Sets a field from plain data: scalars as they are, maps flattened with dots, lists as JSON. */
export function put(fields: Fields, key: string, v: unknown): void {
  if (v === null || v === undefined) return;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[key] = v as FieldValue;
  else if (Array.isArray(v)) fields[key] = JSON.stringify(v);
  else flatten(fields, v as Obj, `${key}.`);
}

/** Takes a field out of `fields` as a string (service and host from resource attributes). */
export function takeString(fields: Fields, key: string): string | null {
  const v = fields[key];
  if (v === undefined) return null;
  delete fields[key];
  return String(v);
}

function intOf(v: unknown, path: string): number | string {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  let text: string;
  if (typeof v === 'string') text = v;
  else if (v !== null && typeof v === 'object' && isLong(v)) text = v.toString();
  else throw bad(path, 'expected a whole number');
  if (!/^-?\d{1,20}$/.test(text))
    throw bad(path, `expected a whole number, got ${JSON.stringify(text.slice(0, 40))}`);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

function object(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(path, 'expected an object');
  return v as Obj;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(path, 'expected a list');
  return v;
}

function stringOf(v: unknown, path: string): string {
  if (typeof v !== 'string') throw bad(path, 'expected a string');
  return v;
}

function optionalString(v: unknown, path: string): string {
  return v === undefined || v === null ? '' : stringOf(v, path);
}

function optionalNumber(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // OTLP/JSON may spell an enum by name (SEVERITY_NUMBER_ERROR); the number is what counts.
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  if (typeof v === 'string' && path.endsWith('severityNumber')) return SEVERITY_NAMES.indexOf(v) + 1;
  throw bad(path, 'expected a number');
}

const SEVERITY_NAMES = [
  'TRACE',
  'TRACE2',
  'TRACE3',
  'TRACE4',
  'DEBUG',
  'DEBUG2',
  'DEBUG3',
  'DEBUG4',
  'INFO',
  'INFO2',
  'INFO3',
  'INFO4',
  'WARN',
  'WARN2',
  'WARN3',
  'WARN4',
  'ERROR',
  'ERROR2',
  'ERROR3',
  'ERROR4',
  'FATAL',
  'FATAL2',
  'FATAL3',
  'FATAL4',
].map((s) => `SEVERITY_NUMBER_${s}`);

function bad(path: string, what: string): UserError {
  return new UserError(`${path}: ${what}`);
}
