/**
 * The page: query box and range on top, histogram, then the field sidebar beside the results
 * (events, or a piped query's table), or the live tail. The view lives in the URL fragment
 * (url-state.ts). Every request goes to the same HTTP API as any other client.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  download,
  type FieldsResult,
  getJson,
  type HistogramResult,
  type LanguageResult,
  type QueryResult,
  setToken,
} from '../api.js';
import { createPager, type Pager } from '../lib/pager.js';
import { searchTerms } from '../lib/query-tokens.js';
import type { Row } from '../lib/rows.js';
import { addFilter, CORE_FIELDS, FALLBACK_PIPES, pipeStart } from '../lib/suggest.js';
import {
  decodeState,
  encodeState,
  eventId,
  rangeParams,
  type TimeRange,
  type ViewState,
} from '../lib/url-state.js';
import { Aggregate } from './aggregate.js';
import { ContextPanel } from './context-panel.js';
import { EventDetail } from './event-detail.js';
import { Histogram } from './histogram.js';
import { QueryBox, remember } from './query-box.js';
import { RangePicker } from './range-picker.js';
import { Results } from './results.js';
import { Sidebar } from './sidebar.js';
import { TailView } from './tail-view.js';
import { useWholeEvent } from './whole-event.js';

/**
 * Rows a request asks for: a few screens. Measured: pages of 500 events of 64 KB JSON were
 * 64 MB of JSON to parse, a 234 ms task; 200 keep it near 100 ms, and scrolling 100,000 rows
 * still asks for a page only every 200 rows.
 */
const PAGE = 200;
/**
 * Bytes of each long value a page carries (`max_value_bytes`): a row shows 500 characters of a
 * value, at most 2,000 bytes. The event opened is fetched whole (whole-event.ts). Measured:
 * 200 events of 64 KB JSON were 26 MB of JSON a page, and the page's longest task 86-339 ms.
 */
const LIST_VALUE_BYTES = 2048;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** A range fixed at now: pages and the histogram of one run all see the same events. */
function pinned(r: TimeRange): { from: string; to: string } {
  if (r.kind === 'absolute') return { from: r.from, to: r.to };
  const m = /^(\d+)([smhdw])$/.exec(r.since);
  const now = Date.now();
  const span = m ? Number(m[1]) * UNIT_MS[m[2]] : 36e5;
  return { from: new Date(now - span).toISOString(), to: new Date(now).toISOString() };
}

interface RunInfo {
  tookMs: number;
  scannedRows?: number;
  total?: number | null;
  rows: number;
}

export function App() {
  const [state, setState] = useState<ViewState>(() => decodeState(location.hash));
  const [draft, setDraft] = useState(state.q);
  const [error, setError] = useState<{ message: string; position?: number } | null>(null);
  const [pager, setPager] = useState<Pager | null>(null);
  const [version, setVersion] = useState(0);
  const [table, setTable] = useState<QueryResult | null>(null);
  const [hist, setHist] = useState<HistogramResult | null>(null);
  const [fields, setFields] = useState<FieldsResult | null>(null);
  const [info, setInfo] = useState<RunInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState(-1);
  /** The open (expanded) row, -1 for none: it stays open while the selection moves. */
  const [open, setOpen] = useState(-1);
  const [context, setContext] = useState<Row | null>(null);
  const [zooms, setZooms] = useState<TimeRange[]>([]);
  const [language, setLanguage] = useState<LanguageResult | null>(null);
  const [needToken, setNeedToken] = useState(false);
  const seq = useRef(0);
  const ranOnce = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const rowsRef = useRef({ selected, open });
  rowsRef.current = { selected, open };

  const update = (patch: Partial<ViewState>) => setState((s) => ({ ...s, ...patch }));

  // The fragment follows the view; a pasted link (or Back) sets the view.
  useEffect(() => {
    const next = `#${encodeState(state)}`;
    if (location.hash !== next && !(next === '#' && location.hash === ''))
      history.replaceState(null, '', next);
  }, [state]);
  useEffect(() => {
    const onHash = () => {
      const s = decodeState(location.hash);
      setState(s);
      setDraft(s.q);
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    getJson<LanguageResult>('/api/language', {}).then(setLanguage, () => setLanguage(null));
  }, []);

  const run = async () => {
    const s = stateRef.current;
    const my = ++seq.current;
    const q = s.q.trim() || '*';
    const range = pinned(s.range);
    const started = performance.now();
    setBusy(true);
    setError(null);
    setContext(null);
    const search = q.slice(0, pipeStart(q)).trim() || '*';
    const histogram = getJson<HistogramResult>('/api/histogram', { q: search, ...range, buckets: 60 }).then(
      (h) => my === seq.current && setHist(h),
      () => my === seq.current && setHist(null),
    );
    // The first page comes without the count, which can take longer than the rows (up to the
    // server's 1.5 s bound): the count follows in a request of its own.
    const cut = { max_value_bytes: LIST_VALUE_BYTES };
    const firstPage = getJson<QueryResult>('/api/query', { q, ...range, limit: PAGE, offset: 0, ...cut });
    // The field statistics, the slowest request (0.5-1 s on 1M events), wait for the histogram and
    // the first page: asked at once, they shared the server with them and the histogram's answer
    // took 344 ms instead of ~100.
    void Promise.allSettled([histogram, firstPage]).then(() => {
      if (my !== seq.current) return;
      getJson<FieldsResult>('/api/fields', { q: search, ...range, top: 10, count: 1 }).then(
        (f) => my === seq.current && setFields(f),
        () => my === seq.current && setFields(null),
      );
    });
    try {
      const first = await firstPage;
      if (my !== seq.current) return;
      const tookMs = Math.round(first.took_ms ?? performance.now() - started);
      if (first.kind === 'table') {
        setTable(first);
        setPager(null);
        setInfo({ tookMs, scannedRows: first.scanned?.rows, rows: first.rows.length });
      } else {
        setTable(null);
        const p = createPager(
          PAGE,
          (offset, limit) => getJson<QueryResult>('/api/query', { q, ...range, limit, offset, ...cut }),
          () => setVersion((v) => v + 1),
          first,
        );
        setPager(p);
        const shown = { tookMs, scannedRows: first.scanned?.rows, rows: first.rows.length };
        setInfo(shown);
        if (first.rows.length === PAGE) {
          getJson<QueryResult>('/api/query', { q, ...range, limit: 1, offset: 0, total: 1, ...cut }).then(
            (r) => {
              if (my !== seq.current || typeof r.total !== 'number') return;
              p.setTotal(r.total);
              setInfo({ ...shown, total: r.total });
            },
            () => {},
          );
        } else setInfo({ ...shown, total: first.rows.length });
        // The selection as it is now, not when the run began: a row chosen while this run was
        // in flight stays chosen when it is in the new result. The first run (a pasted link)
        // opens it; later runs keep it open when it was, and close any other open row.
        const sel = stateRef.current.sel;
        const at = sel ? first.rows.findIndex((r) => eventId(r) === sel) : -1;
        const was = rowsRef.current;
        const wasOpen = was.open >= 0 && was.open === was.selected;
        setSelected(at);
        setOpen(at >= 0 && (!ranOnce.current || wasOpen) ? at : -1);
        ranOnce.current = true;
      }
    } catch (err) {
      if (my !== seq.current) return;
      const e = err as ApiError;
      if (e instanceof ApiError && e.status === 401) setNeedToken(true);
      setError({ message: e.message, position: e instanceof ApiError ? e.position : undefined });
      setPager(null);
      setTable(null);
      setInfo(null);
    } finally {
      if (my === seq.current) setBusy(false);
    }
  };

  // Runs whenever what a run depends on changes (not the columns or the selection).
  useEffect(() => {
    if (state.tab === 'results') void run();
  }, [state.q, JSON.stringify(state.range), state.tab]);

  const submit = (q: string) => {
    remember(q);
    setZooms([]);
    if (q === state.q) void run();
    else update({ q, sel: undefined });
  };
  const filter = (field: string, value: unknown, exclude: boolean) => {
    const q = addFilter(state.q, field, value, exclude);
    setDraft(q);
    remember(q);
    update({ q, sel: undefined });
  };
  const toggleColumn = (c: string) =>
    update({ cols: state.cols.includes(c) ? state.cols.filter((x) => x !== c) : [...state.cols, c] });
  const zoomIn = (from: string, to: string) => {
    setZooms([...zooms, state.range]);
    update({ range: { kind: 'absolute', from, to } });
  };
  const zoomOut = () => {
    if (zooms.length === 0) return;
    update({ range: zooms[zooms.length - 1] });
    setZooms(zooms.slice(0, -1));
  };
  const select = (i: number) => {
    setSelected(i);
    const row = pager?.row(i);
    update({ sel: row ? eventId(row) : undefined });
  };

  // Keyboard: / search, j/k move, Enter expand, t tail, Escape close or zoom out.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    const typing = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable;
    if (e.key === 'Escape') {
      if (typing) (t as HTMLInputElement).blur();
      else if (context) setContext(null);
      else if (open >= 0) setOpen(-1);
      else zoomOut();
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const n = pager?.length() ?? 0;
    if (e.key === '/') {
      e.preventDefault();
      document.getElementById('query')?.focus();
    } else if (e.key === 'j' && n > 0) select(Math.min(n - 1, selected + 1));
    else if (e.key === 'k' && n > 0) select(Math.max(0, selected - 1));
    // Enter on a focused button (the detail's own) is that button's, not a toggle.
    else if (e.key === 'Enter' && selected >= 0 && t.tagName !== 'BUTTON')
      setOpen(open === selected ? -1 : selected);
    else if (e.key === 't') update({ tab: state.tab === 'tail' ? 'results' : 'tail' });
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => keys.current(e);
    addEventListener('keydown', h);
    return () => removeEventListener('keydown', h);
  }, []);

  const terms = useMemo(() => searchTerms(state.q), [state.q]);
  const fieldNames = useMemo(() => {
    const names = new Set<string>([
      ...(language?.fields?.map((f) => f.name) ?? CORE_FIELDS),
      ...(fields?.fields.map((f) => f.name) ?? []),
    ]);
    return [...names];
  }, [language, fields]);
  const pipes = language?.pipes.map((p) => p.name) ?? FALLBACK_PIPES;
  const openRow = open >= 0 ? pager?.row(open) : undefined;
  const openEvent = useWholeEvent(openRow);
  // The open event, shown in place under its row; the context, when open, takes its place.
  const detail =
    openRow &&
    !context &&
    html`<${EventDetail}
      row=${openRow}
      event=${openEvent}
      tz=${state.tz}
      onClose=${() => setOpen(-1)}
      onContext=${openRow.offset !== undefined && openRow.source !== undefined ? () => setContext(openRow) : undefined}
      onFilter=${filter}
      onAddColumn=${(c: string) => !state.cols.includes(c) && toggleColumn(c)}
    />`;
  const rangeP = rangeParams(state.range);
  const dl = (format: 'csv' | 'ndjson') =>
    download(
      '/api/query',
      { q: state.q.trim() || '*', ...pinned(state.range), format, limit: 10000 },
      `logpipe.${format}`,
    ).catch((e: Error) => setError({ message: e.message }));

  if (needToken) {
    return html`<${Login}
      onToken=${(t: string) => {
        setToken(t);
        setNeedToken(false);
        void run();
      }}
    />`;
  }

  return html`<div class="app">
    <header class="top">
      <span class="brand">logpipe</span>
      <${QueryBox}
        value=${draft}
        onInput=${(q: string) => {
          setDraft(q);
          if (error) setError(null);
        }}
        onRun=${submit}
        error=${error}
        fields=${fieldNames}
        pipes=${pipes}
        valueParams=${rangeP}
        topValues=${(f: string) => fields?.fields.find((x) => x.name === f)?.top ?? []}
      />
      <button class="run" data-testid="run" data-busy=${busy ? '1' : '0'} onClick=${() => submit(draft)}>${busy ? '…' : 'Search'}</button>
    </header>
    <div class="bar">
      <${RangePicker}
        range=${state.range}
        tz=${state.tz}
        onRange=${(range: TimeRange) => {
          setZooms([]);
          update({ range });
        }}
        onZone=${(tz: 'local' | 'utc') => update({ tz })}
        onZoomOut=${zooms.length > 0 ? zoomOut : undefined}
      />
      <div class="tabs">
        <button class=${state.tab === 'results' ? 'on' : ''} onClick=${() => update({ tab: 'results' })}>results</button>
        <button class=${state.tab === 'tail' ? 'on' : ''} data-testid="tab-tail" onClick=${() => update({ tab: 'tail' })}>live tail</button>
      </div>
      ${
        info &&
        state.tab === 'results' &&
        html`<span class="run-info" data-testid="run-info">
          ${typeof info.total === 'number' ? `${info.total.toLocaleString()} events · ` : `${info.rows.toLocaleString()} rows · `}
          <span data-testid="took">${info.tookMs} ms</span>
          ${info.scannedRows !== undefined && html` · <span data-testid="scanned">${info.scannedRows.toLocaleString()} scanned</span>`}
        </span>`
      }
      <span class="downloads">
        <button onClick=${() => dl('csv')} data-testid="download-csv">CSV</button>
        <button onClick=${() => dl('ndjson')} data-testid="download-ndjson">NDJSON</button>
      </span>
    </div>
    ${state.tab === 'results' && hist && hist.buckets?.length > 0 && html`<${Histogram} data=${hist} tz=${state.tz} onSelect=${zoomIn} />`}
    <main class="main">
      <${Sidebar} data=${fields} cols=${state.cols} onFilter=${filter} onToggleColumn=${toggleColumn} />
      <section class="content">
        ${
          state.tab === 'tail'
            ? html`<${TailView} q=${state.q.trim() || '*'} cols=${state.cols} terms=${terms} tz=${state.tz} />`
            : table
              ? html`<${Aggregate} r=${table} tz=${state.tz} />`
              : pager &&
                html`<${Results}
                  pager=${pager}
                  version=${version}
                  cols=${state.cols}
                  terms=${terms}
                  tz=${state.tz}
                  selected=${selected}
                  open=${detail ? open : -1}
                  detail=${detail}
                  onSelect=${select}
                  onExpand=${(i: number) => {
                    select(i);
                    setOpen(open === i ? -1 : i);
                  }}
                  onRemoveColumn=${toggleColumn}
                />`
        }
        ${context && html`<${ContextPanel} hit=${context} tz=${state.tz} onClose=${() => setContext(null)} />`}
      </section>
    </main>
  </div>`;
}

/**
 * Asked for when the API answers 401: the server wants its bearer token. It is kept in
 * sessionStorage (this tab only, gone when it closes) and sent as a header, never in a URL.
 */
function Login(p: { onToken(t: string): void }) {
  const [token, set] = useState('');
  return html`<form
    class="login"
    data-testid="login"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      if (token) p.onToken(token);
    }}
  >
    <strong>logpipe</strong>
    <label>This server needs its token (server.token)</label>
    <input type="password" autocomplete="current-password" data-testid="token" value=${token} onInput=${(e: Event) => set((e.target as HTMLInputElement).value)} />
    <button type="submit">Sign in</button>
  </form>`;
}
