/**
 * The query box: a textarea under a coloured overlay of the same text (query-tokens.ts), the
 * autocomplete list (field names, pipe commands, known values from /api/values), the error
 * position marked in place, and history on Ctrl+Up/Down kept in localStorage.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { querySpans } from '../lib/query-tokens.js';
import {
  applySuggestion,
  type SuggestContext,
  type Suggestion,
  suggest,
  suggestContext,
  valueSuggestions,
} from '../lib/suggest.js';

const HISTORY_KEY = 'logpipe.history';
const HISTORY_MAX = 100;
const PLACEHOLDER = 'Search: level:error service:api status>=500 "timed out" | count by service';

function loadHistory(): string[] {
  try {
    const h = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as unknown;
    return Array.isArray(h) ? h.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Adds a query to the front of the history (once). */
export function remember(q: string): void {
  if (!q.trim()) return;
  const h = [q, ...loadHistory().filter((x) => x !== q)].slice(0, HISTORY_MAX);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(h));
}

export interface QueryBoxProps {
  value: string;
  onInput(q: string): void;
  onRun(q: string): void;
  error?: { message: string; position?: number } | null;
  fields: string[];
  pipes: string[];
  /** Extra parameters for /api/values (the range). */
  valueParams: Record<string, string>;
  /** A field's most common values from the sidebar: what is offered when /api/values cannot answer. */
  topValues(field: string): { value: unknown; count: number }[];
}

export function QueryBox(p: QueryBoxProps) {
  const ta = useRef<HTMLTextAreaElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  const [items, setItems] = useState<Suggestion[]>([]);
  const [ctx, setCtx] = useState<SuggestContext>({ kind: 'none' });
  const [active, setActive] = useState(0);
  const historyAt = useRef(-1);
  const valuesSeq = useRef(0);

  const spans = useMemo(() => querySpans(p.value), [p.value]);
  const errAt = p.error?.position;

  const refresh = (text: string, cursor: number) => {
    const c = suggestContext(text, cursor);
    setCtx(c);
    setActive(0);
    if (c.kind === 'value') {
      const seq = ++valuesSeq.current;
      getJson<{ values: { value: unknown; count: number }[] }>('/api/values', {
        field: c.field,
        prefix: c.prefix,
        limit: 20,
        ...p.valueParams,
      })
        .then((r) => {
          if (seq === valuesSeq.current) setItems(valueSuggestions(r.values ?? []));
        })
        .catch(() => {
          if (seq !== valuesSeq.current) return;
          const prefix = c.prefix.toLowerCase();
          const known = p.topValues(c.field).filter((v) => String(v.value).toLowerCase().startsWith(prefix));
          setItems(valueSuggestions(known));
        });
    } else setItems(suggest(c, { fields: p.fields, pipes: p.pipes }));
  };

  // Closing also drops a values answer still on its way, which would open the list again.
  const close = () => {
    valuesSeq.current++;
    setItems([]);
  };

  const pick = (s: Suggestion) => {
    if (ctx.kind === 'none') return;
    const r = applySuggestion(p.value, ctx, s);
    p.onInput(r.text);
    setItems([]);
    requestAnimationFrame(() => {
      ta.current?.focus();
      ta.current?.setSelectionRange(r.cursor, r.cursor);
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (items.length > 0) {
      if (e.key === 'ArrowDown' && !e.ctrlKey) {
        e.preventDefault();
        setActive((active + 1) % items.length);
        return;
      }
      if (e.key === 'ArrowUp' && !e.ctrlKey) {
        e.preventDefault();
        setActive((active - 1 + items.length) % items.length);
        return;
      }
      // Tab takes the highlighted suggestion; Enter always runs the query.
      if (e.key === 'Tab') {
        e.preventDefault();
        pick(items[active]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setItems([]);
        return;
      }
    }
    if (e.ctrlKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
      e.preventDefault();
      const h = loadHistory();
      if (h.length === 0) return;
      historyAt.current =
        e.key === 'ArrowUp'
          ? Math.min(h.length - 1, historyAt.current + 1)
          : Math.max(-1, historyAt.current - 1);
      p.onInput(historyAt.current === -1 ? '' : h[historyAt.current]);
      setItems([]);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      close();
      historyAt.current = -1;
      p.onRun(p.value);
    }
  };

  const onInput = (e: Event) => {
    const t = e.target as HTMLTextAreaElement;
    p.onInput(t.value);
    refresh(t.value, t.selectionStart ?? t.value.length);
  };

  // The overlay scrolls with the textarea.
  const onScroll = () => {
    if (overlay.current && ta.current) overlay.current.scrollTop = ta.current.scrollTop;
  };
  useEffect(onScroll, [p.value]);

  const pieces = [];
  for (const s of spans) {
    const text = p.value.slice(s.start, s.end);
    if (errAt !== undefined && errAt >= s.start && errAt < s.end) {
      const k = errAt - s.start;
      pieces.push(html`<span class=${`tok-${s.kind}`}>${text.slice(0, k)}</span>`);
      pieces.push(
        html`<span class="tok-error" data-testid="query-error-mark">${text.slice(k, k + 1)}</span>`,
      );
      pieces.push(html`<span class=${`tok-${s.kind}`}>${text.slice(k + 1)}</span>`);
    } else pieces.push(html`<span class=${`tok-${s.kind}`}>${text}</span>`);
  }
  if (errAt !== undefined && errAt >= p.value.length) {
    pieces.push(html`<span class="tok-error tok-error-end" data-testid="query-error-mark">${' '}</span>`);
  }

  return html`<div class="query-box">
    <div class="query-layers">
      <div class="query-overlay" ref=${overlay} aria-hidden="true">${pieces}${'\n'}</div>
      <textarea
        ref=${ta}
        id="query"
        data-testid="query"
        rows="1"
        spellcheck=${false}
        autocomplete="off"
        placeholder=${PLACEHOLDER}
        value=${p.value}
        onInput=${onInput}
        onKeyDown=${onKeyDown}
        onScroll=${onScroll}
        onBlur=${() => setTimeout(close, 150)}
      ></textarea>
    </div>
    ${
      items.length > 0 &&
      html`<ul class="suggestions" data-testid="suggestions" role="listbox">
        ${items.map(
          (s, i) => html`<li
            role="option"
            class=${i === active ? 'active' : ''}
            onMouseDown=${(e: MouseEvent) => {
              e.preventDefault();
              pick(s);
            }}
          >
            <span>${s.label}</span>${s.detail && html`<small>${s.detail}</small>`}
          </li>`,
        )}
      </ul>`
    }
    ${p.error && html`<div class="query-error" data-testid="query-error" role="alert">${p.error.message}</div>`}
  </div>`;
}
