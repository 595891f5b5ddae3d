/**
 * The data model every component speaks: RawEvent (collector output) and LogEvent (parser output,
 * what is stored). Plain data, no classes: events cross threads, processes and pipes.
 */
import type { LineBlock } from './line-block.js';

/** A typed field value; numbers stay numbers. `null` is never stored: absent fields are omitted. */
export type FieldValue = string | number | boolean;

/** Flat map of typed values (nested objects are flattened with dotted keys by the parsers). */
export type Fields = Record<string, FieldValue>;

/** One line as read by a collector, before parsing. */
export interface RawEvent {
  /** Stable source id: the file path, `stdin`, `syslog:udp:514`, ... */
  source: string;
  /**
   * Identity of the source's current content: a file's fingerprint, or a unique id per stdin stream.
   * `(source, generation, offset)` identifies an event; it is how duplicates are recognised.
   */
  generation: string;
  /** Byte offset of the line's start within this generation. */
  offset: number;
  /** The line's text, without its newline. */
  line: string;
  /** When the collector read it, epoch milliseconds. */
  received_at: number;
  host?: string;
  service?: string;
  /** Parser hint: a format id, or `auto`. */
  format?: string;
  /** Set when the line was longer than the limit and cut. */
  truncated?: boolean;
}

/** The RawEvent fields most lines leave unset, which batch encodings carry apart from the lines. */
export type RawExtras = Pick<RawEvent, 'format' | 'host' | 'service' | 'truncated'>;

/** The log levels, in order of severity, plus `unknown`. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'] as const;
export type Level = (typeof LEVELS)[number];

/** A parsed event: what the store keeps. */
export interface LogEvent {
  /** Event time, microseconds since the Unix epoch, UTC. */
  ts: number;
  level: Level;
  service: string | null;
  host: string | null;
  source: string;
  generation: string;
  offset: number;
  /** The parser that matched, `unknown` when none did. */
  format: string;
  message: string;
  fields: Fields;
  /** The original line. */
  raw: string;
}

/** Called once a batch's fate is known: without an error once it is durably committed. */
export type Ack = (err?: Error) => void;

/** A batch of events travelling together, with its acknowledgement. */
export interface Batch<E> {
  /** The events; a batch of `lines` decodes them on first use (core/line-block.ts). */
  events: E[];
  /** Resolved by the store once the rows are durable (or by the pipe writer after flush); checkpoints follow it. */
  ack: Ack;
  /**
   * The lines as the bytes a file collector read them from, so they can cross to another thread
   * in shared memory and be decoded there instead of here. Gone once `events` has been read.
   */
  lines?: LineBlock;
  /**
   * The sender waits for this batch's ack before it sends more (a RELP window): the store
   * appends it as soon as the append before it is done, not after the flush interval.
   */
  waited?: boolean;
}

/** An ack that does nothing, for callers that do not track delivery. */
export const noAck: Ack = () => {};
