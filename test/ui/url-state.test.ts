import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COLUMNS,
  decodeState,
  defaultState,
  encodeState,
  eventId,
  parseEventId,
  rangeParams,
  type ViewState,
} from '../../ui/src/lib/url-state.js';

describe('the view in the URL fragment', () => {
  it('round-trips every part of a view', () => {
    const s: ViewState = {
      q: 'level:error "timed out" | count by service',
      range: { kind: 'absolute', from: '2026-12-07T10:00:00.000Z', to: '2026-12-07T11:30:00.000Z' },
      tz: 'utc',
      cols: ['ts', 'status', 'path', 'fields.user_id'],
      sel: '/var/log/app.log|abc123|4096',
      tab: 'tail',
    };
    expect(decodeState(`#${encodeState(s)}`)).toEqual(s);
  });

  it('leaves defaults out, so a plain view has an empty fragment', () => {
    expect(encodeState(defaultState())).toBe('');
    expect(decodeState('')).toEqual(defaultState());
    expect(decodeState('#since=15m').range).toEqual({ kind: 'relative', since: '15m' });
  });

  it('falls back to defaults for what it cannot read', () => {
    const s = decodeState('#since=forever&from=yesterday&to=x&tz=mars&cols=<script>,ts,ts&sel=nope&tab=evil');
    expect(s.range).toEqual({ kind: 'relative', since: '1h' });
    expect(s.tz).toBe('local');
    expect(s.cols).toEqual(['ts']);
    expect(s.sel).toBeUndefined();
    expect(s.tab).toBe('results');
    expect(decodeState('#cols=').cols).toEqual(DEFAULT_COLUMNS);
  });

  it('gives the API the range as it takes it', () => {
    expect(rangeParams({ kind: 'relative', since: '24h' })).toEqual({ since: '24h' });
    expect(rangeParams({ kind: 'absolute', from: 'a', to: 'b' })).toEqual({ from: 'a', to: 'b' });
  });

  it('names an event by source, generation and offset, splitting from the right', () => {
    const id = eventId({ source: 'a|b.log', generation: 'g1', offset: 17 });
    expect(id).toBe('a|b.log|g1|17');
    expect(parseEventId(id!)).toEqual({ source: 'a|b.log', generation: 'g1', offset: '17' });
    expect(eventId({ message: 'no identity' })).toBeUndefined();
  });
});
