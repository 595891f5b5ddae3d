import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import {
  BadEventError,
  decodeLogEvent,
  decodeRawEvent,
  encodeLogEvent,
  encodeRawEvent,
  parseStreamHeader,
  streamHeader,
} from '../../src/core/ndjson.js';

describe('pipe-mode NDJSON', () => {
  it('recognises its own headers and nothing else', () => {
    expect(parseStreamHeader(streamHeader('raw-events'))).toBe('raw-events');
    expect(parseStreamHeader(streamHeader('log-events'))).toBe('log-events');
    expect(parseStreamHeader('{"level":"info","msg":"hi"}')).toBeNull();
    expect(parseStreamHeader('{"$logpipe":"other","version":1}')).toBeNull();
  });

  it('round-trips a LogEvent with microsecond time', () => {
    const e: LogEvent = {
      ts: 1767323045123456,
      level: 'warn',
      service: 'api',
      host: null,
      source: 'stdin',
      generation: 'g',
      offset: 42,
      format: 'json',
      message: 'slow',
      fields: { latency_ms: 812.5, ok: false },
      raw: '{"msg":"slow"}',
    };
    const line = encodeLogEvent(e);
    expect(JSON.parse(line).ts).toBe('2026-01-02T03:04:05.123456Z');
    expect(decodeLogEvent(line)).toEqual(e);
  });

  it('round-trips a RawEvent', () => {
    const r = { source: '/a.log', generation: 'f1', offset: 7, line: 'x', received_at: 1, truncated: true };
    expect(decodeRawEvent(encodeRawEvent(r))).toEqual(r);
  });

  it('names what is wrong with a bad line', () => {
    expect(() => decodeLogEvent('not json')).toThrow(BadEventError);
    expect(() => decodeLogEvent('{"raw":"x"}')).toThrow(/ts/);
    expect(() => decodeRawEvent('{"offset":1}')).toThrow(/line/);
  });

  // Issue #27: a member of the wrong type or out of range is an error naming it, not a default.
  it('refuses members of the wrong type or out of range, naming them', () => {
    const raw = (o: object) => () => decodeRawEvent(JSON.stringify({ line: 'x', ...o }));
    expect(raw({ offset: -1 })).toThrow(/"offset" must be a whole number >= 0, got -1/);
    expect(raw({ offset: 1.5 })).toThrow(/"offset"/);
    expect(raw({ offset: '10' })).toThrow(/"offset"/);
    expect(raw({ received_at: 'now' })).toThrow(/"received_at"/);
    expect(raw({ source: 7 })).toThrow(/"source" must be a string/);
    expect(raw({ generation: '\ud800' })).toThrow(/"generation" holds a lone surrogate/);
    expect(raw({ truncated: 'yes' })).toThrow(/"truncated"/);
    expect(raw({ format: null })).toThrow(/"format" must be a string/);
    const log = (o: object) => () =>
      decodeLogEvent(JSON.stringify({ ts: 1767323045123456, message: 'm', raw: 'r', ...o }));
    expect(log({ ts: 1e300 })).toThrow(/"ts"/);
    expect(log({ fields: [1] })).toThrow(/"fields" must be an object/);
    expect(log({ fields: { a: { b: 1 } } })).toThrow(/field "a" must be a string, number or boolean/);
    expect(log({ service: 5 })).toThrow(/"service" must be a string/);
    expect(log({ message: 5 })).toThrow(/"message" must be a string/);
    // Absent and null members keep their defaults: a null field is an absent one.
    expect(log({ service: null, fields: { a: null, b: 1 } })()).toMatchObject({
      service: null,
      source: 'stdin',
      generation: '',
      offset: 0,
      fields: { b: 1 },
    });
  });
});
