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
  serializeRowsShared,
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
    const out = serializeRowsShared({ encoding: SEGMENT_ENCODING, count, rows }, job.into);
    return {
      id: job.id,
      rows: out.buffer as SharedArrayBuffer,
      size: out.length,
      count,
      rejected: decoded.rejected,
      reason: decoded.reason,
      bytes: decoded.bytes,
    };
  }
}
