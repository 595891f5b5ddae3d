/**
 * Raw events as one binary body, for the link from `logpipe collect` to the parser (or a store)
 * under `logpipe up`: the lines travel as one block of UTF-8 text with their lengths, and the
 * rest (identity, offsets, receive times) as typed arrays, instead of one JSON object a line that
 * the sender writes and the receiver parses. A receiver that does not know this media type
 * answers 415 and the sender goes back to NDJSON.
 *
 * Layout: `LPL2`, a u32 header length, the JSON header (row count, the distinct sources and
 * generations, the lines' extras as runs), then, each at a multiple of 8 bytes, the lines' key
 * indexes (i32), offsets and receive times (f64), lengths in UTF-16 code units (i32), and the
 * lines' text (framing in binary-body.ts). Numbers are in the sender's byte order, which the
 * header names. The receiver checks everything before a line is kept: the layout, every index,
 * length, offset and receive time, the text's UTF-8 (no line boundary splitting a character),
 * and the header's names and extras; a malformed body is refused with a message.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { bodyHead, pad8, readBodyHead } from './binary-body.js';
import { UserError } from './errors.js';
import type { RawExtras as Extras, RawEvent } from './events.js';
import { sourceKeys } from './source-keys.js';
import { isWellFormed } from './well-formed.js';

/** The media type of a request body of raw lines. */
export const RAW_LINES_MEDIA_TYPE = 'application/vnd.logpipe.raw-lines';

// LPL1 listed each line's extras apart: a file source with a format hint put one entry a line
// in the header, whose JSON then cost more than the lines.
const TAG = 'LPL2';
const MAX_LINES = 10_000_000;
/** Receive times are epoch ms from 1970 up to the last a Date holds. */
const MAX_RECEIVED_MS = 8.64e15;

interface Header {
  n: number;
  sources: string[];
  generations: string[];
  /**
   * Runs of lines that share their extras: [first line, extras or null for none], each run
   * lasting until the next one starts (before the first, lines have none).
   */
  extras: [number, Extras | null][];
}

/** Whether two events carry the same extras. */
function sameExtras(a: RawEvent, b: RawEvent): boolean {
  return a.format === b.format && a.host === b.host && a.service === b.service && a.truncated === b.truncated;
}

/** Whether an event carries any extras. */
function hasExtras(e: RawEvent): boolean {
  return (
    e.format !== undefined || e.host !== undefined || e.service !== undefined || e.truncated !== undefined
  );
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

const EXTRA_STRINGS = ['format', 'host', 'service'];

/** Whether a run's extras hold only what RawExtras may: strings, and `truncated` as a boolean. */
function validExtras(x: Record<string, unknown>): boolean {
  for (const k in x) {
    const v = x[k];
    if (EXTRA_STRINGS.includes(k)) {
      if (typeof v !== 'string' || !isWellFormed(v)) return false;
    } else if (k !== 'truncated' || typeof v !== 'boolean') return false;
  }
  return true;
}

/** The body for `events` (one or more batches' worth, in order). */
export function encodeRawLines(events: readonly RawEvent[]): Buffer {
  const n = events.length;
  const keyOf = new Int32Array(n);
  const offsets = new Float64Array(n);
  const received = new Float64Array(n);
  const lengths = new Int32Array(n);
  const lines = new Array<string>(n);
  const keys = sourceKeys();
  const extras: [number, Extras | null][] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const key = keys.keyOf(e.source, e.generation);
    keyOf[i] = key;
    offsets[i] = e.offset;
    received[i] = e.received_at;
    lengths[i] = e.line.length;
    lines[i] = e.line;
    if (i === 0 ? hasExtras(e) : !sameExtras(e, events[i - 1])) {
      const x = hasExtras(e)
        ? { format: e.format, host: e.host, service: e.service, truncated: e.truncated }
        : null;
      extras.push([i, x]);
    }
  }
  const header: Header = { n, sources: keys.sources, generations: keys.generations, extras };
  const head = bodyHead(TAG, header);
  const text = Buffer.from(lines.join(''), 'utf8');
  const keysAt = head.length;
  const offsetsAt = keysAt + pad8(n * 4);
  const receivedAt = offsetsAt + n * 8;
  const lengthsAt = receivedAt + n * 8;
  const textAt = lengthsAt + pad8(n * 4);
  const out = Buffer.alloc(textAt + text.length);
  head.copy(out, 0);
  const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  out.set(bytes(keyOf), keysAt);
  out.set(bytes(offsets), offsetsAt);
  out.set(bytes(received), receivedAt);
  out.set(bytes(lengths), lengthsAt);
  text.copy(out, textAt);
  return out;
}

/** Reads a body written by `encodeRawLines`; throws UserError naming what is wrong. */
export function decodeRawLines(body: Uint8Array): RawEvent[] {
  const bad = (what: string): never => {
    throw new UserError(`bad raw lines: ${what}`);
  };
  const { header, buf: b, at } = readBodyHead(body, TAG, 'bad raw lines');
  const h = header as unknown as Header;
  const n = h.n;
  if (!Number.isInteger(n) || n < 0 || n > MAX_LINES) bad(`line count ${String(n)}`);
  const strings = (a: unknown): a is string[] =>
    Array.isArray(a) && a.every((s) => typeof s === 'string' && isWellFormed(s));
  if (!strings(h.sources) || !strings(h.generations) || h.sources.length !== h.generations.length) {
    bad('sources and generations must be lists of strings (without lone surrogates) of one length');
  }
  if (!Array.isArray(h.extras)) bad('extras must be a list');
  const keysAt = at;
  const offsetsAt = keysAt + pad8(n * 4);
  const receivedAt = offsetsAt + n * 8;
  const lengthsAt = receivedAt + n * 8;
  const textAt = lengthsAt + pad8(n * 4);
  if (textAt > b.length) bad('the line table runs past the body');
  const keyOf = new Int32Array(b.buffer, b.byteOffset + keysAt, n);
  const offsets = new Float64Array(b.buffer, b.byteOffset + offsetsAt, n);
  const received = new Float64Array(b.buffer, b.byteOffset + receivedAt, n);
  const lengths = new Int32Array(b.buffer, b.byteOffset + lengthsAt, n);
  // All ASCII (the usual case): latin1 decodes the same text faster.
  const textBytes = b.subarray(textAt);
  const ascii = isAscii(textBytes);
  if (!ascii && !isUtf8(textBytes)) bad("the lines' text is not UTF-8");
  const text = b.toString(ascii ? 'latin1' : 'utf8', textAt);
  const events = new Array<RawEvent>(n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const k = keyOf[i];
    const len = lengths[i];
    if (k < 0 || k >= h.sources.length) bad(`line ${i} names source ${k}`);
    if (len < 0 || pos + len > text.length) bad(`line ${i}: length ${len} runs past the text`);
    // A line ending inside a character's surrogate pair would split it between two lines.
    if (!ascii && len > 0 && isHighSurrogate(text.charCodeAt(pos + len - 1))) {
      bad(`line ${i} ends inside a character`);
    }
    const offset = offsets[i];
    if (!Number.isSafeInteger(offset) || offset < 0) bad(`line ${i}: offset ${offset}`);
    const r = received[i];
    if (!(r >= 0 && r <= MAX_RECEIVED_MS)) bad(`line ${i}: receive time ${r}`);
    events[i] = {
      source: h.sources[k],
      generation: h.generations[k],
      offset,
      line: text.slice(pos, pos + len),
      received_at: received[i],
    };
    pos += len;
  }
  if (pos !== text.length) bad(`the lines' lengths add up to ${pos} of ${text.length} characters`);
  let from = -1;
  for (let r = 0; r < h.extras.length; r++) {
    const x = h.extras[r];
    const i = Array.isArray(x) ? x[0] : undefined;
    const extra = Array.isArray(x) ? x[1] : undefined;
    if (
      typeof i !== 'number' ||
      !Number.isInteger(i) ||
      i <= from ||
      i >= n ||
      typeof extra !== 'object' ||
      Array.isArray(extra) ||
      (extra !== null && !validExtras(extra as Record<string, unknown>))
    ) {
      bad('extras must be [first line, {format, host, service, truncated} or null] runs, in order');
    }
    from = i as number;
    if (extra === null) continue;
    const next = r + 1 < h.extras.length && Array.isArray(h.extras[r + 1]) ? Number(h.extras[r + 1][0]) : n;
    const { format, host, service, truncated } = extra as Extras;
    for (let k = from; k < Math.min(next, n); k++) {
      const e = events[k];
      if (typeof format === 'string') e.format = format;
      if (typeof host === 'string') e.host = host;
      if (typeof service === 'string') e.service = service;
      if (truncated === true) e.truncated = true;
    }
  }
  return events;
}
