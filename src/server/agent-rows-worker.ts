/**
 * Worker thread entry of the agent rows pool (agent-rows-pool.ts): turns an agent's request body
 * (OTLP logs today) into segment rows, answering with their wire form in shared memory, or with
 * the refusal the route answers the client with. Inflating, decoding, mapping and encoding all
 * happen here, so the HTTP thread only reads bodies, appends rows and answers.
 */
import { parentPort } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import {
  addEvents,
  eventRows,
  resetEventRows,
  SEGMENT_ENCODING,
  serializeRows,
} from '../storage/rows/index.js';
import type { AgentJob, AgentJobAnswer } from './agent-rows-pool.js';
import { BodyRefused, decodeOtlpBody } from './otlp/logs-decode.js';

const port = parentPort;
if (port !== null) {
  const rows = eventRows();
  port.on('message', (job: AgentJob) => {
    let answer: AgentJobAnswer;
    try {
      answer = run(job);
    } catch (err) {
      if (err instanceof BodyRefused) answer = { id: job.id, refused: err.status, message: err.message };
      else if (err instanceof UserError) answer = { id: job.id, refused: 400, message: err.message };
      else answer = { id: job.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(answer);
  });

  function run(job: AgentJob): AgentJobAnswer {
    const decoded = decodeOtlpBody(
      new Uint8Array(job.body),
      job.encoding,
      job.gzip,
      job.maxBodyBytes,
      job.identity,
    );
    resetEventRows(rows);
    addEvents(rows, decoded.events);
    const count = decoded.events.length;
    const pieces = serializeRows({ encoding: SEGMENT_ENCODING, count, rows });
    let size = 0;
    for (const p of pieces) size += p.length;
    // Into the memory the job brought when the rows fit; new (with room to spare, so it is
    // reused the next times) when they do not.
    const into = job.into;
    const out =
      into !== null && into.byteLength >= size
        ? new Uint8Array(into, 0, size)
        : new Uint8Array(new SharedArrayBuffer(Math.ceil(size * 1.25)), 0, size);
    let at = 0;
    for (const p of pieces) {
      out.set(p, at);
      at += p.length;
    }
    return {
      id: job.id,
      rows: out.buffer as SharedArrayBuffer,
      size,
      count,
      rejected: decoded.rejected,
      reason: decoded.reason,
      bytes: decoded.bytes,
    };
  }
}
