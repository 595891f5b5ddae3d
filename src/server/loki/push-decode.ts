/**
 * A Loki push body to events: inflated (snappy for protobuf, gzip or none for JSON, both bounded),
 * decoded and mapped (push-events.ts), each line through a parser made for the request. The same
 * function serves the HTTP thread (no decode workers) and the decode workers
 * (server/agent-rows-worker.ts), so both refuse a body with the same answer.
 */
import { UserError } from '../../core/errors.js';
import type { LogEvent } from '../../core/events.js';
import { type BatchParser, createParser, type ParserOptions } from '../../parser/index.js';
import { BodyRefused, gunzip } from '../otlp/logs-decode.js';
import { lokiPushToEvents } from './push-events.js';
import { lokiProtobufToEvents } from './push-wire.js';
import { SnappyTooBig, unsnappyBlock } from './snappy-block.js';

/** A push's encoding: snappy-compressed protobuf, or JSON (plain or gzip). */
export type LokiEncoding = 'protobuf' | 'json';

/** What a push body became, with the parser's count of lines given their read time. */
export interface LokiBody {
  events: LogEvent[];
  readTime: BatchParser['readTime'];
}

/**
 * The parser a push's lines are read with: a new one per request (formats detected per stream
 * within it, or the stream's `format` label), with the API's zone and user patterns.
 */
export function lokiParser(parser: ParserOptions | undefined): BatchParser {
  return createParser({ ...parser, format: 'auto', service: null });
}

/**
 * Inflates, decodes and maps one push body; throws BodyRefused (413) or UserError (400). A
 * protobuf body is always a snappy block (its content encoding is not read, as Loki does not).
 */
export function decodeLokiBody(
  raw: Uint8Array,
  enc: LokiEncoding,
  gzip: 'gzip' | null,
  maxBodyBytes: number,
  generation: string,
  parser: ParserOptions | undefined,
): LokiBody {
  const parse = lokiParser(parser);
  const ctx = { generation, parse };
  // Protobuf straight from its bytes (push-wire.ts); JSON through JSON.parse and the mapping.
  const events =
    enc === 'protobuf'
      ? lokiProtobufToEvents(unsnappy(raw, maxBodyBytes), ctx)
      : lokiPushToEvents(decodeJson(gzip === null ? raw : gunzip(raw, maxBodyBytes)), false, ctx);
  return { events, readTime: parse.readTime };
}

/** Loki's protobuf bodies are snappy blocks; the length they claim is checked before inflating. */
function unsnappy(raw: Uint8Array, max: number): Uint8Array {
  try {
    return unsnappyBlock(raw, max);
  } catch (err) {
    if (err instanceof SnappyTooBig) throw new BodyRefused(413, `the request inflates past ${max} bytes`);
    throw err;
  }
}

function decodeJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new UserError('the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`the body is not valid JSON (${(err as Error).message})`);
  }
}
