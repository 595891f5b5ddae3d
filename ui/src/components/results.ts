/**
 * Events as a virtual list: rows of one height, only those in view (and a few either side) in
 * the DOM, so 100,000 events keep a few hundred nodes; pages fetched as they come into view.
 * Text from events is only ever text nodes (never HTML); long values are cut for the row.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Pager } from '../lib/pager.js';
import { markTerms } from '../lib/query-tokens.js';
import { cellText, fieldValue, type Row } from '../lib/rows.js';
import { formatTime } from '../lib/time-format.js';
import type { Zone } from '../lib/url-state.js';

export const ROW_HEIGHT = 24;
const OVERSCAN = 10;

export interface ResultsProps {
  pager: Pager;
  /** Bumped when pages arrive. */
  version: number;
  cols: string[];
  terms: string[];
  tz: Zone;
  selected: number;
  onSelect(i: number): void;
  onExpand(i: number): void;
  onRemoveColumn(c: string): void;
}

export function Marked(props: { text: string; terms: string[] }) {
  return html`${markTerms(props.text, props.terms).map((p) => (p.hit ? html`<mark>${p.text}</mark>` : p.text))}`;
}

export function cell(row: Row, col: string, tz: Zone): string {
  const v = fieldValue(row, col);
  return col === 'ts' ? formatTime(v, tz) : cellText(v, 500);
}

export function Results(p: ResultsProps) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(600);
  const n = p.pager.length();
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(n, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  useEffect(() => {
    p.pager.ensure(first, last);
  }, [first, last, p.pager, p.version]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // Keeps the selected row in view (j/k).
  useEffect(() => {
    const el = box.current;
    if (!el || p.selected < 0) return;
    const y = p.selected * ROW_HEIGHT;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = y + ROW_HEIGHT - el.clientHeight;
  }, [p.selected]);
  const rows = [];
  for (let i = first; i < last; i++) {
    const row = p.pager.row(i);
    rows.push(html`<div
      key=${i}
      class=${`row${i === p.selected ? ' selected' : ''}${row ? ` lvl-${String(row.level ?? '')}` : ''}`}
      style=${`top:${i * ROW_HEIGHT}px`}
      data-i=${i}
      onClick=${() => p.onSelect(i)}
      onDblClick=${() => p.onExpand(i)}
    >
      ${
        row
          ? p.cols.map(
              (c) =>
                html`<span class=${`c c-${c === 'message' ? 'message' : c === 'ts' ? 'ts' : 'f'}`}>${c === 'ts' ? cell(row, c, p.tz) : html`<${Marked} text=${cell(row, c, p.tz)} terms=${p.terms} />`}</span>`,
            )
          : html`<span class="c loading">…</span>`
      }
    </div>`);
  }
  return html`<div class="results">
    <div class="results-head">
      ${p.cols.map(
        (c) => html`<span class=${`c c-${c === 'message' ? 'message' : c === 'ts' ? 'ts' : 'f'}`}>${c}
          <button class="x" title=${`remove column ${c}`} data-testid=${`remove-col-${c}`} onClick=${() => p.onRemoveColumn(c)}>×</button></span>`,
      )}
    </div>
    <div class="results-body" ref=${box} data-testid="results" onScroll=${(e: Event) => setTop((e.target as HTMLElement).scrollTop)}>
      <div class="results-spacer" style=${`height:${n * ROW_HEIGHT}px`}>${rows}</div>
    </div>
  </div>`;
}
