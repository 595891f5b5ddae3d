/**
 * The lines around an event in its source (/api/context): 50 either side, more on demand in
 * either direction, the hit marked, a search that marks (and can keep only) matching lines.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ContextResult, getJson } from '../api.js';
import { cellText, isCut, type Row } from '../lib/rows.js';
import { formatTime } from '../lib/time-format.js';
import type { Zone } from '../lib/url-state.js';
import { CUT_TITLE, Marked } from './results.js';

const STEP = 50;
/**
 * Bytes of each long value a context line carries (`max_value_bytes`): a line shows 4,000
 * characters, at most 16,000 bytes; 101 lines of 1 MB were 100 MB of JSON otherwise.
 */
const LINE_VALUE_BYTES = 16 * 1024;

function idParams(r: Row) {
  return {
    source: String(r.source),
    generation: String(r.generation ?? ''),
    offset: String(r.offset),
    max_value_bytes: LINE_VALUE_BYTES,
  };
}

export function ContextPanel(p: { hit: Row; tz: Zone; onClose(): void }) {
  const [before, setBefore] = useState<Row[]>([]);
  const [after, setAfter] = useState<Row[]>([]);
  const [hit, setHit] = useState<Row>(p.hit);
  const [more, setMore] = useState({ before: false, after: false });
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [only, setOnly] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const centred = useRef(false);
  // Once the lines arrive, the hit is put in the middle of the view.
  useEffect(() => {
    if (centred.current || before.length === 0) return;
    centred.current = true;
    box.current?.querySelector('.ctx-line.hit')?.scrollIntoView({ block: 'center' });
  }, [before]);
  useEffect(() => {
    centred.current = false;
    getJson<ContextResult>('/api/context', { ...idParams(p.hit), before: STEP, after: STEP })
      .then((r) => {
        setHit(r.hit);
        setBefore(r.before);
        setAfter(r.after);
        setMore({ before: r.more_before, after: r.more_after });
      })
      .catch((e: Error) => setError(e.message));
  }, [p.hit]);
  const earlier = () => {
    const anchor = before[0] ?? hit;
    getJson<ContextResult>('/api/context', { ...idParams(anchor), before: STEP, after: 0 }).then(
      (r) => {
        setBefore([...r.before, ...before]);
        setMore({ ...more, before: r.more_before });
      },
      (e: Error) => setError(e.message),
    );
  };
  const later = () => {
    const anchor = after[after.length - 1] ?? hit;
    getJson<ContextResult>('/api/context', { ...idParams(anchor), before: 0, after: STEP }).then(
      (r) => {
        setAfter([...after, ...r.after]);
        setMore({ ...more, after: r.more_after });
      },
      (e: Error) => setError(e.message),
    );
  };
  const terms = search.trim() ? [search.trim().toLowerCase()] : [];
  const line = (r: Row, isHit: boolean) => {
    const col = typeof r.raw === 'string' && r.raw ? 'raw' : 'message';
    const text = cellText(r[col], 4000);
    const cut = isCut(r, col);
    if (only && terms.length > 0 && !isHit && !text.toLowerCase().includes(terms[0])) return null;
    return html`<div class=${`ctx-line${isHit ? ' hit' : ''}`} data-testid=${isHit ? 'context-hit' : 'context-line'}>
      <span class="c-ts">${formatTime(r.ts, p.tz)}</span> <span class=${`ctx-text${cut ? ' cut' : ''}`} title=${cut ? CUT_TITLE : undefined}><${Marked} text=${text} terms=${terms} /></span>
    </div>`;
  };
  return html`<div class="context" data-testid="context" ref=${box}>
    <div class="detail-bar">
      <strong>context in ${cellText(hit.source, 200)}</strong>
      <input placeholder="search in context" data-testid="context-search" value=${search} onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      <label><input type="checkbox" checked=${only} onChange=${() => setOnly(!only)} /> only matches</label>
      <button onClick=${p.onClose} title="Close">×</button>
    </div>
    ${error && html`<p class="query-error">${error}</p>`}
    ${more.before && html`<button class="more" data-testid="context-earlier" onClick=${earlier}>earlier ↑</button>`}
    <div class="ctx-lines">
      ${before.map((r) => line(r, false))}
      ${line(hit, true)}
      ${after.map((r) => line(r, false))}
    </div>
    ${more.after && html`<button class="more" data-testid="context-later" onClick=${later}>later ↓</button>`}
  </div>`;
}
