/**
 * Events as a virtual list: rows of one height, only those in view (and a few either side) in
 * the DOM, so 100,000 events keep a few hundred nodes; pages fetched as they come into view.
 * One row can be open: its detail sits right under it, inside the list, and the rows after it
 * move down by the detail's measured height (list-geometry.ts). Text from events is only ever
 * text nodes (never HTML); long values are cut for the row.
 */
import { html } from 'htm/preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  detailTop,
  type ListGeometry,
  listHeight,
  revealTop,
  rowAt,
  rowsInView,
  rowTop,
} from '../lib/list-geometry.js';
import type { Pager } from '../lib/pager.js';
import { markTerms } from '../lib/query-tokens.js';
import { cellText, fieldValue, isCut, type Row } from '../lib/rows.js';
import { formatTime } from '../lib/time-format.js';
import type { Zone } from '../lib/url-state.js';

export const ROW_HEIGHT = 24;
/** What a cut value's cell says on hover. */
export const CUT_TITLE = 'the start of a long value: open the event for all of it';
const OVERSCAN = 10;

export interface ResultsProps {
  pager: Pager;
  /** Bumped when pages arrive. */
  version: number;
  cols: string[];
  terms: string[];
  tz: Zone;
  selected: number;
  /** The open row (its detail shown under it), -1 for none. */
  open: number;
  /** The open row's detail. */
  detail?: ComponentChildren;
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

/** The tallest an open detail is, as a share of the list's view: its row stays in sight above it. */
const DETAIL_SHARE = 0.75;

export function Results(p: ResultsProps) {
  const box = useRef<HTMLDivElement>(null);
  const detailBox = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [detailHeight, setDetailHeight] = useState(0);
  const n = p.pager.length();
  const open = p.open >= 0 && p.open < n && p.detail ? p.open : -1;
  const g: ListGeometry = { rowHeight: ROW_HEIGHT, open, openHeight: open >= 0 ? detailHeight : 0 };
  const { first, last } = rowsInView(g, n, top, height, OVERSCAN);
  const detailShown = open >= first && open < last;
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
  // When another row opens or the open one closes, the rows after the old detail move up by its
  // height. The scroll moves with them, so the row double-clicked stays under the pointer (or,
  // on closing, the row at the top of the view stays there), before the frame is painted.
  const shown = useRef(g);
  useLayoutEffect(() => {
    const before = shown.current;
    shown.current = g;
    const el = box.current;
    if (!el || before.open === g.open) return;
    const anchor = g.open >= 0 ? g.open : rowAt(before, el.scrollTop);
    const delta = rowTop(g, anchor) - rowTop(before, anchor);
    if (delta === 0) return;
    el.scrollTop += delta;
    setTop(el.scrollTop);
  });
  // The detail's height, measured before the frame is painted (a layout effect, and the
  // observer's callback, both run before paint), so the rows after it never show under it.
  useLayoutEffect(() => {
    const el = detailBox.current;
    if (!el) return;
    setDetailHeight(el.offsetHeight);
    const ro = new ResizeObserver(() => setDetailHeight(el.offsetHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [open, detailShown]);
  // Keeps the selected row in view (j/k, a pasted link), and its detail below it when open.
  useEffect(() => {
    const el = box.current;
    if (!el || p.selected < 0) return;
    const below = p.selected === open ? (detailBox.current?.offsetHeight ?? el.clientHeight) : 0;
    const y = rowTop(g, p.selected);
    const to = revealTop(y, ROW_HEIGHT + below, el.scrollTop, el.clientHeight);
    if (to !== el.scrollTop) el.scrollTop = to;
  }, [p.selected, open]);
  const rows = [];
  for (let i = first; i < last; i++) {
    const row = p.pager.row(i);
    rows.push(html`<div
      key=${i}
      class=${`row${i === p.selected ? ' selected' : ''}${row ? ` lvl-${String(row.level ?? '')}` : ''}`}
      style=${`top:${rowTop(g, i)}px`}
      data-i=${i}
      onClick=${() => p.onSelect(i)}
      onDblClick=${() => {
        // A double-click opens the row; the word it also selected is not what was meant.
        getSelection()?.removeAllRanges();
        p.onExpand(i);
      }}
    >
      ${
        row
          ? p.cols.map((c) => {
              const kind = c === 'message' ? 'message' : c === 'ts' ? 'ts' : 'f';
              // A value cut for the list is marked (dotted underline); opening the row shows it whole.
              const cut = isCut(row, c);
              return html`<span class=${`c c-${kind}${cut ? ' cut' : ''}`} title=${cut ? CUT_TITLE : undefined}>${c === 'ts' ? cell(row, c, p.tz) : html`<${Marked} text=${cell(row, c, p.tz)} terms=${p.terms} />`}</span>`;
            })
          : html`<span class="c loading">…</span>`
      }
    </div>`);
    if (i === open)
      rows.push(html`<div
        key="detail"
        class="row-detail"
        ref=${detailBox}
        data-testid="row-detail"
        style=${`top:${detailTop(g)}px;max-height:${Math.round(height * DETAIL_SHARE)}px`}
      >
        ${p.detail}
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
      <div class="results-spacer" style=${`height:${listHeight(g, n)}px`}>${rows}</div>
    </div>
  </div>`;
}
