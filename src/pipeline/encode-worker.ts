/**
 * Worker thread entry for the encode pool (encode-pool.ts): parses each batch and encodes the
 * events as segment rows (access lines straight from their text), answering with their wire
 * form in one transferred buffer. Parsers are kept per source's hints, so format detection
 * sticks per source here as it does inline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RawEvent } from '../core/events.js';
import { type BatchParser, createParser, type ParserOptions } from '../parser/index.js';
import { addRawEvents } from '../storage/duckdb/access-rows.js';
import { eventRows, resetEventRows, SEGMENT_ENCODING } from '../storage/duckdb/event-columns.js';
import { serializeRows } from '../storage/duckdb/rows-wire.js';
import type { EncodeRequest, EncodeResponse } from './encode-pool.js';

const port = parentPort;
if (port !== null) {
  const opts = (workerData as { opts: ParserOptions }).opts;
  const parsers = new Map<string, BatchParser>();
  const rows = eventRows();
  port.on('message', (req: EncodeRequest) => {
    let msg: EncodeResponse;
    const transfer: ArrayBuffer[] = [];
    try {
      const body = run(req);
      msg = { id: req.id, body: body.buffer as ArrayBuffer };
      transfer.push(body.buffer as ArrayBuffer);
    } catch (err) {
      msg = { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(msg, transfer);
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

  function run(req: EncodeRequest): Uint8Array {
    const n = req.runOf.length;
    const raws = new Array<RawEvent>(n);
    let alone = 0;
    for (let i = 0; i < n; i++) {
      const run = req.runOf[i];
      const from = req.startOf[i];
      const k = req.keys[i];
      const e: RawEvent = {
        source: req.sources[k],
        generation: req.generations[k],
        offset: req.offsets[i],
        line: run < 0 ? req.lines[alone++] : req.texts[run].slice(from, from + req.lengthOf[i]),
        received_at: req.received[i],
      };
      const x = req.extraOf[i] < 0 ? null : req.extras[req.extraOf[i]];
      if (x !== null) {
        if (x.format !== undefined) e.format = x.format;
        if (x.host !== undefined) e.host = x.host;
        if (x.service !== undefined) e.service = x.service;
        if (x.truncated === true) e.truncated = true;
      }
      raws[i] = e;
    }
    resetEventRows(rows);
    addRawEvents(rows, raws, parserFor(req.hints));
    const pieces = serializeRows({ encoding: SEGMENT_ENCODING, count: n, rows });
    let size = 0;
    for (const p of pieces) size += p.length;
    // A buffer of its own, so it can be moved to the other thread whole.
    const body = new Uint8Array(size);
    let at = 0;
    for (const p of pieces) {
      body.set(p, at);
      at += p.length;
    }
    return body;
  }
}
