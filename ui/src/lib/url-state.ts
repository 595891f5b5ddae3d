/**
 * The view held in the URL's fragment, so a link reproduces it: the query, the time range and
 * zone, the columns, the selected event and the tab. Kept in the fragment, never sent to the
 * server. Pure: encoded and decoded in Node tests as in the browser.
 */

export type TimeRange = { kind: 'relative'; since: string } | { kind: 'absolute'; from: string; to: string };

export type Zone = 'local' | 'utc';
export type Tab = 'results' | 'tail';

export interface ViewState {
  q: string;
  range: TimeRange;
  tz: Zone;
  cols: string[];
  /** The selected event's identity, `source|generation|offset`. */
  sel?: string;
  tab: Tab;
}

export const DEFAULT_COLUMNS = ['ts', 'level', 'service', 'message'];
export const RELATIVE_RANGES = ['15m', '1h', '24h', '7d'];
const DEFAULT_SINCE = '1h';
const DEFAULT_RANGE: TimeRange = { kind: 'relative', since: DEFAULT_SINCE };
/** A relative range the server reads: a number and a unit. */
const RELATIVE = /^[1-9][0-9]{0,5}(s|m|h|d|w)$/;
/** A field name as the query language allows it. */
const COLUMN = /^[A-Za-z_@][A-Za-z0-9_.@-]{0,199}$/;

export function defaultState(): ViewState {
  return { q: '', range: DEFAULT_RANGE, tz: 'local', cols: [...DEFAULT_COLUMNS], tab: 'results' };
}

/** The fragment for a view (without `#`); defaults are left out so links stay short. */
export function encodeState(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.range.kind === 'relative') {
    if (s.range.since !== DEFAULT_SINCE) p.set('since', s.range.since);
  } else {
    p.set('from', s.range.from);
    p.set('to', s.range.to);
  }
  if (s.tz !== 'local') p.set('tz', s.tz);
  if (s.cols.join(',') !== DEFAULT_COLUMNS.join(',')) p.set('cols', s.cols.join(','));
  if (s.sel) p.set('sel', s.sel);
  if (s.tab !== 'results') p.set('tab', s.tab);
  return p.toString();
}

/** The view a fragment describes; anything unreadable falls back to its default. */
export function decodeState(fragment: string): ViewState {
  const p = new URLSearchParams(fragment.startsWith('#') ? fragment.slice(1) : fragment);
  const s = defaultState();
  s.q = p.get('q') ?? '';
  const since = p.get('since');
  const from = p.get('from');
  const to = p.get('to');
  if (from && to && isTime(from) && isTime(to)) s.range = { kind: 'absolute', from, to };
  else if (since && RELATIVE.test(since)) s.range = { kind: 'relative', since };
  if (p.get('tz') === 'utc') s.tz = 'utc';
  const cols = (p.get('cols') ?? '')
    .split(',')
    .filter((c) => COLUMN.test(c))
    .filter((c, i, all) => all.indexOf(c) === i);
  if (cols.length > 0) s.cols = cols;
  const sel = p.get('sel');
  if (sel && parseEventId(sel)) s.sel = sel;
  if (p.get('tab') === 'tail') s.tab = 'tail';
  return s;
}

/** The query parameters the API takes for a range. */
export function rangeParams(r: TimeRange): Record<string, string> {
  return r.kind === 'relative' ? { since: r.since } : { from: r.from, to: r.to };
}

function isTime(text: string): boolean {
  return !Number.isNaN(Date.parse(text));
}

/** An event's identity as the URL and the context API hold it. */
export function eventId(row: Record<string, unknown>): string | undefined {
  const { source, generation, offset } = row;
  if (typeof source !== 'string' || offset === undefined || offset === null) return undefined;
  return `${source}|${generation ?? ''}|${offset}`;
}

/** The parts of an event identity (the source may hold `|` itself: split from the right). */
export function parseEventId(id: string): { source: string; generation: string; offset: string } | null {
  const m = /^(.+)\|([^|]*)\|([0-9]+)$/.exec(id);
  return m ? { source: m[1], generation: m[2], offset: m[3] } : null;
}
