/**
 * An OTLP logs request body to events: inflated (gzip, bounded), decoded (protobuf or JSON) and
 * mapped (logs-events.ts). The same function serves the HTTP thread (no decode workers) and the
 * decode workers (server/agent-rows-worker.ts), so both refuse a body with the same answer.
 */
import { gunzipSync } from 'node:zlib';
import { UserError } from '../../core/errors.js';
import { type OtlpDecoded, type OtlpIdentity, otlpLogsToEvents } from './logs-events.js';
import { otlpTypes } from './logs-schema.js';
import { otlpProtobufToEvents } from './logs-wire.js';

export type OtlpEncoding = 'protobuf' | 'json';

/** A body refused for its size (413) or its content encoding (415); bad content is a UserError (400). */
export class BodyRefused extends Error {
  constructor(
    readonly status: 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** A request's content encoding, checked before the body is read: `gzip`, or null for none. */
export function contentEncoding(header: string | undefined): 'gzip' | null {
  const encoding = (header ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return null;
  if (encoding !== 'gzip')
    throw new BodyRefused(
      415,
      `content encoding ${JSON.stringify(encoding)} is not taken: send gzip or none`,
    );
  return 'gzip';
}

/** What one request body held: its events, the records refused alone, and its inflated size. */
export interface OtlpBody extends OtlpDecoded {
  bytes: number;
}

/** Inflates, decodes and maps one request body; throws BodyRefused or UserError. */
export function decodeOtlpBody(
  raw: Uint8Array,
  enc: OtlpEncoding,
  gzip: 'gzip' | null,
  maxBodyBytes: number,
  id: OtlpIdentity,
): OtlpBody {
  const body = gzip === null ? raw : gunzip(raw, maxBodyBytes);
  const decoded =
    enc === 'protobuf' ? otlpProtobufToEvents(body, id) : otlpLogsToEvents(decodeJson(body), id);
  return { ...decoded, bytes: body.length };
}

/** Inflates a gzip body, bounded: past `max` bytes is a BodyRefused (413), a bad stream a UserError. */
export function gunzip(raw: Uint8Array, max: number): Buffer {
  try {
    // Bounded, so a small body cannot inflate past the limit (a gzip bomb).
    return gunzipSync(raw, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyRefused(413, `the request inflates past ${max} bytes`);
    throw new UserError(`the body is not valid gzip data (${(err as Error).message})`);
  }
}

/**
 * The request decoded by protobufjs into its message (the reference the wire reader,
 * logs-wire.ts, is held to by its tests).
 */
export function decodeProtobufMessage(body: Uint8Array): unknown {
  try {
    // The decoded message itself, not a plain copy (toObject doubled the decode's cost): the
    // mapper reads a field only where the message holds it (logs-events.ts).
    return otlpTypes().request.decode(body);
  } catch (err) {
    // Truncated or malformed protobuf, or nesting deep enough to exhaust the stack.
    throw new UserError(`the body is not a valid OTLP ExportLogsServiceRequest (${(err as Error).message})`);
  }
}

function decodeJson(body: Uint8Array): unknown {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let s: string;
  try {
    s = text.decode(body);
  } catch {
    throw new UserError('the body is not valid UTF-8');
  }
  try {
    return JSON.parse(s);
  } catch (err) {
    throw new UserError(`the body is not valid JSON (${(err as Error).message})`);
  }
}
