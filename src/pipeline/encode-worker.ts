/**
 * Worker thread entry for the encode pool (encode-pool.ts): decodes and parses each batch and
 * encodes the events as segment rows (access lines straight from their text), answering with
 * their wire form in shared memory. Parsers are kept per source's hints, so format detection
 * sticks per source here as it does inline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RawEvent } from '../core/events.js';
import { type BatchParser, createParser, type ParserOptions } from '../parser/index.js';
import {
  addRawBlock,
  addRawEvents,
  eventRows,
  resetEventRows,
  SEGMENT_ENCODING,
  serializeRowsShared,
} from '../storage/rows/index.js';
import type { EncodeRequest, EncodeResponse, EventColumns } from './encode-pool.js';

const port = parentPort;
if (port !== null) {
  const opts = (workerData as { opts: ParserOptions }).opts;
  const parsers = new Map<string, BatchParser>();
  const rows = eventRows();
  port.on('message', (req: EncodeRequest) => {
    let msg: EncodeResponse;
    try {
      const body = run(req);
      msg = { id: req.id, body: body.buffer as SharedArrayBuffer, size: body.length };
      const readTime = takeReadTime();
      if (readTime !== null) msg.readTime = readTime;
    } catch (err) {
      msg = { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(msg);
  });

  function parserFor(hints: EncodeRequest['hints']): BatchParser {
    const key = `${hints.format ?? ''}\0${hints.service ?? ''}`;
    let p = parsers.get(key);
    if (p === undefined) {
      p = createParser({
        ...opts,
        ...(hints.format !== undefined ? { format: hints.format } : {}),
        ...(hints.service !== undefined ? { service: hints.service } : {}),
      });
      parsers.set(key, p);
    }
    return p;
  }

  /** The read-time counts of the parsers since the last answer (zeroed), or null for none. */
  function takeReadTime(): Record<string, number> | null {
    let out: Record<string, number> | null = null;
    for (const p of parsers.values()) {
      const counts = p.readTime;
      for (const format in counts) {
        if (counts[format] === 0) continue;
        out ??= {};
        out[format] = (out[format] ?? 0) + counts[format];
        counts[format] = 0;
      }
    }
    return out;
  }

  function run(req: EncodeRequest): Uint8Array {
    resetEventRows(rows);
    let n: number;
    if (req.block !== undefined) {
      n = req.block.count;
      addRawBlock(rows, req.block, parserFor(req.hints));
    } else {
      const raws = unpack(req.events);
      n = raws.length;
      addRawEvents(rows, raws, parserFor(req.hints));
    }
    return serializeRowsShared({ encoding: SEGMENT_ENCODING, count: n, rows }, req.into);
  }
}

/** The raw events `pack` put in columns. */
function unpack(c: EventColumns): RawEvent[] {
  const n = c.lines.length;
  const raws = new Array<RawEvent>(n);
  for (let i = 0; i < n; i++) {
    const k = c.keys[i];
    const e: RawEvent = {
      source: c.sources[k],
      generation: c.generations[k],
      offset: c.offsets[i],
      line: c.lines[i],
      received_at: c.received[i],
    };
    const x = c.extraOf[i] < 0 ? null : c.extras[c.extraOf[i]];
    if (x !== null) {
      if (x.format !== undefined) e.format = x.format;
      if (x.host !== undefined) e.host = x.host;
      if (x.service !== undefined) e.service = x.service;
      if (x.truncated === true) e.truncated = true;
    }
    raws[i] = e;
  }
  return raws;
}
