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
});
