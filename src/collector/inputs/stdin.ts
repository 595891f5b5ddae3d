/**
 * The stdin input: lines from a byte stream (stdin by default) as RawEvents with byte offsets,
 * same line rules as the file tailer. There is no checkpoint: a stream cannot be re-read, so
 * each run is its own generation. Reading pauses while `maxBatchesInFlight` batches are out.
 */
import type { Readable } from 'node:stream';
import {
  DEFAULT_BATCH_LINES,
  DEFAULT_BATCHES_IN_FLIGHT,
  DEFAULT_MAX_LINE_BYTES,
} from '../../core/defaults.js';
import type { Batch, RawEvent } from '../../core/events.js';
import { readLineBatches } from '../../core/lines.js';
import { streamGeneration } from './event-queue.js';

export interface StdinInputOptions {
  /** Default process.stdin. */
  stream?: Readable;
  /** Default `stdin`. */
  source?: string;
  maxLineBytes?: number;
  maxBatchLines?: number;
  maxBatchesInFlight?: number;
  format?: string;
  service?: string;
  host?: string;
}

/** Yields the stream's lines in acknowledged batches until it ends (the last unterminated line too). */
export async function* stdinBatches(opts: StdinInputOptions = {}): AsyncGenerator<Batch<RawEvent>> {
  const source = opts.source ?? 'stdin';
  const generation = streamGeneration();
  const maxBatch = opts.maxBatchLines ?? DEFAULT_BATCH_LINES;
  const maxInFlight = opts.maxBatchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const stream = opts.stream ?? process.stdin;
  for await (const lb of readLineBatches(stream, {
    maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  })) {
    const now = Date.now();
    let cut = 0;
    for (let start = 0; start < lb.lines.length; start += maxBatch) {
      const events: RawEvent[] = [];
      const end = Math.min(lb.lines.length, start + maxBatch);
      for (let i = start; i < end; i++) {
        const ev: RawEvent = {
          source,
          generation,
          offset: lb.offsets[i],
          line: lb.lines[i],
          received_at: now,
        };
        if (opts.host !== undefined) ev.host = opts.host;
        if (opts.service !== undefined) ev.service = opts.service;
        if (opts.format !== undefined) ev.format = opts.format;
        if (cut < lb.truncated.length && lb.truncated[cut] === i) {
          ev.truncated = true;
          cut++;
        }
        events.push(ev);
      }
      while (inFlight >= maxInFlight) await new Promise<void>((r) => (wake = r));
      inFlight++;
      let acked = false;
      yield {
        events,
        ack: () => {
          if (acked) return;
          acked = true;
          inFlight--;
          const w = wake;
          wake = null;
          w?.();
        },
      };
    }
  }
}
