/**
 * Worker thread entry for the parser pool: one parser per worker, fed batches by message. The
 * pool routes each source to one worker, so per-source detection state lives here. Batches
 * travel in columns (see workers.ts) rather than as arrays of event objects.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RawEvent } from '../core/events.js';
import { createParser, type ParserOptions } from './index.js';
import type { PackedBatch, PackedResult } from './workers.js';

const port = parentPort;
if (port !== null) {
  const parse = createParser((workerData as { opts: ParserOptions }).opts);
  port.on('message', (msg: PackedBatch) => {
    try {
      port.postMessage(run(msg));
    } catch (err) {
      port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
    }
  });

  function run(b: PackedBatch): PackedResult {
    const n = b.lines.length;
    const raws = new Array<RawEvent>(n);
    for (let i = 0; i < n; i++) {
      const e: RawEvent = {
        source: b.sources[i],
        generation: '',
        offset: 0,
        line: b.lines[i],
        received_at: b.received[i],
      };
      const h = b.hints[i];
      if (h !== null) {
        if (h.format !== undefined) e.format = h.format;
        if (h.host !== undefined) e.host = h.host;
        if (h.service !== undefined) e.service = h.service;
        if (h.truncated === true) e.truncated = true;
      }
      raws[i] = e;
    }
    const out = parse(raws);
    const ts = new Float64Array(n);
    const levels = new Array<string>(n);
    const formats = new Array<string>(n);
    const messages = new Array<string | null>(n);
    const services = new Array<string | null>(n);
    const hosts = new Array<string | null>(n);
    const fields = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const e = out[i];
      ts[i] = e.ts;
      levels[i] = e.level;
      formats[i] = e.format;
      // The message is often the line itself, which the caller still holds.
      messages[i] = e.message === e.raw ? null : e.message;
      services[i] = e.service;
      hosts[i] = e.host;
      fields[i] = e.fields;
    }
    return { id: b.id, ts, levels, formats, messages, services, hosts, fields: JSON.stringify(fields) };
  }
}
