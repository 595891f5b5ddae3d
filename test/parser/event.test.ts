import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import { toLogEvent } from '../../src/parser/event.js';
import { parseUnknown } from '../../src/parser/formats/unknown.js';

const raw: RawEvent = {
  source: '/var/log/x.log',
  generation: 'g1',
  offset: 42,
  line: 'hi',
  received_at: 1_700_000_000_123,
};

describe('toLogEvent', () => {
  it('copies identity, uses the read time when the line has none and says so', () => {
    expect(toLogEvent(raw, parseUnknown('hi'), { service: null, host: null })).toEqual({
      ts: 1_700_000_000_123_000,
      level: 'unknown',
      service: null,
      host: null,
      source: '/var/log/x.log',
      generation: 'g1',
      offset: 42,
      format: 'unknown',
      message: 'hi',
      fields: { ts_source: 'received' },
      raw: 'hi',
    });
  });

  it('uses the previous time when one is given, flagged as such', () => {
    const e = toLogEvent(raw, parseUnknown('hi'), { service: null, host: null }, 1_600_000_000_000_000);
    expect(e.ts).toBe(1_600_000_000_000_000);
    expect(e.fields).toEqual({ ts_source: 'previous' });
  });

  it('leaves an event with its own time unflagged, whatever previous time is given', () => {
    const p = { ...parseUnknown('hi'), ts: 1_500_000_000_000_000 };
    const e = toLogEvent(raw, p, { service: null, host: null }, 1_600_000_000_000_000);
    expect(e.ts).toBe(1_500_000_000_000_000);
    expect(e.fields).toEqual({});
  });

  it('prefers the line, then the RawEvent, then the defaults for service and host', () => {
    const d = { service: 'dflt', host: 'dhost' };
    expect(toLogEvent(raw, parseUnknown('hi'), d)).toMatchObject({ service: 'dflt', host: 'dhost' });
    const withRaw = { ...raw, service: 'rs', host: 'rh' };
    expect(toLogEvent(withRaw, parseUnknown('hi'), d)).toMatchObject({ service: 'rs', host: 'rh' });
    const p = { ...parseUnknown('hi'), service: 'ls', host: 'lh' };
    expect(toLogEvent(withRaw, p, d)).toMatchObject({ service: 'ls', host: 'lh' });
  });

  it('uses the read time and flags a time out of range, keeping the fields it has', () => {
    const d = { service: null, host: null };
    for (const ts of [Number.MAX_SAFE_INTEGER + 1, -Number.MAX_SAFE_INTEGER - 2, 1e297, Infinity]) {
      const e = toLogEvent(raw, { ...parseUnknown('hi'), ts, fields: { a: 1 } }, d);
      expect(e.ts).toBe(1_700_000_000_123_000);
      expect(e.fields).toEqual({ a: 1, ts_out_of_range: true, ts_source: 'received' });
    }
    const edge = toLogEvent(raw, { ...parseUnknown('hi'), ts: Number.MAX_SAFE_INTEGER }, d);
    expect(edge.ts).toBe(Number.MAX_SAFE_INTEGER);
    expect(edge.fields).toEqual({});
  });

  it('flags truncated lines in fields', () => {
    expect(
      toLogEvent({ ...raw, truncated: true }, parseUnknown('hi'), { service: null, host: null }).fields,
    ).toEqual({
      truncated: true,
      ts_source: 'received',
    });
  });
});
