/**
 * Worker thread entry of the agent rows pool (agent-rows-pool.ts): turns an agent's request body
 * (an OTLP logs request, a Loki push, whose lines go through a parser made here with the API's
 * parser options, or an Elasticsearch bulk request, whose items' answers go back beside the rows)
 * into segment rows, answering with their wire form in shared memory, or with
 * the refusal the route answers the client with. Inflating, decoding, mapping and encoding all
 * happen here, so the HTTP thread only reads bodies, appends rows and answers.
 */
import { parentPort } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import type { LogEvent } from '../core/events.js';
import type { ReadTimeCounts } from '../parser/index.js';
import {
  addEvents,
  eventRows,
  resetEventRows,
  SEGMENT_ENCODING,
  serializeRowsShared,
} from '../storage/rows/index.js';
import type { AgentJob, AgentJobAnswer, BulkAnswers } from './agent-rows-pool.js';
import { BulkRefused } from './elastic/answers.js';
import { bulkItemsText } from './elastic/bulk-answer.js';
import { decodeBulkBody } from './elastic/bulk-body.js';
import { decodeLokiBody } from './loki/push-decode.js';
import { BodyRefused, decodeOtlpBody } from './otlp/logs-decode.js';

const port = parentPort;
if (port !== null) {
  const rows = eventRows();
  port.on('message', (job: AgentJob) => {
    let answer: AgentJobAnswer;
    try {
      answer = run(job);
    } catch (err) {
      if (err instanceof BulkRefused)
        answer = { id: job.id, refused: err.status, message: err.message, esType: err.type };
      else if (err instanceof BodyRefused) answer = { id: job.id, refused: err.status, message: err.message };
      else if (err instanceof UserError) answer = { id: job.id, refused: 400, message: err.message };
      else answer = { id: job.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(answer);
  });

  function run(job: AgentJob): AgentJobAnswer {
    const body = new Uint8Array(job.body);
    let events: LogEvent[];
    let rejected = 0;
    let reason = '';
    let bytes = body.length;
    let readTime: ReadTimeCounts = {};
    let bulk: BulkAnswers | undefined;
    if (job.kind === 'elastic') {
      const decoded = decodeBulkBody(body, job.gzip, job.index, job.maxBodyBytes, job.nowMs);
      events = decoded.events;
      // The items' text, not their objects: cloning 8,192 answer objects back cost more than
      // writing their text here (objects only for documents with ids, answered again on a resend).
      bulk = {
        items: bulkItemsText(decoded.answers),
        idEvents: decoded.idEvents,
        answers: decoded.idEvents.length > 0 ? decoded.answers : null,
      };
    } else if (job.kind === 'loki') {
      ({ events, readTime } = decodeLokiBody(
        body,
        job.encoding,
        job.gzip,
        job.maxBodyBytes,
        job.generation,
        job.parser,
      ));
    } else {
      const decoded = decodeOtlpBody(body, job.encoding, job.gzip, job.maxBodyBytes, job.identity);
      ({ events, rejected, reason, bytes } = decoded);
    }
    resetEventRows(rows);
    addEvents(rows, events);
    const count = events.length;
    const out = serializeRowsShared({ encoding: SEGMENT_ENCODING, count, rows }, job.into);
    return {
      id: job.id,
      rows: out.buffer as SharedArrayBuffer,
      size: out.length,
      count,
      rejected,
      reason,
      bytes,
      readTime,
      bulk,
    };
  }
}
