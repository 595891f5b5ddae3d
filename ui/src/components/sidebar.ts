/**
 * Fields of the events in view (/api/fields): type, coverage, top values with filter in/out,
 * numbers' min/max/p50/p99. A field's name adds or removes it as a column.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { FieldsResult } from '../api.js';
import { cellText } from '../lib/rows.js';

export interface SidebarProps {
  data: FieldsResult | null;
  cols: string[];
  onFilter(field: string, value: unknown, exclude: boolean): void;
  onToggleColumn(field: string): void;
}

function num(v: unknown): string {
  return typeof v === 'number'
    ? Number.isInteger(v)
      ? v.toLocaleString()
      : v.toPrecision(4)
    : cellText(v, 40);
}

export function Sidebar(p: SidebarProps) {
  const [open, setOpen] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  if (!p.data) return html`<aside class="sidebar" data-testid="sidebar"><p class="muted">fields…</p></aside>`;
  const sampled = p.data.sampled;
  const fields = p.data.fields.filter((f) => f.name.toLowerCase().includes(filter.toLowerCase()));
  return html`<aside class="sidebar" data-testid="sidebar">
    <input class="field-filter" placeholder="filter fields" value=${filter} onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} />
    <p class="muted">${sampled.toLocaleString()} events sampled${typeof p.data.matched === 'number' ? ` of ${p.data.matched.toLocaleString()}` : ''}</p>
    <ul class="field-list">
      ${fields.map((f) => {
        const coverage = f.coverage ?? (sampled > 0 ? f.count / sampled : 0);
        const isOpen = open === f.name;
        return html`<li class="field" data-field=${f.name}>
          <div class="field-head">
            <button class="field-name" data-testid=${`field-${f.name}`} onClick=${() => setOpen(isOpen ? null : f.name)}>${f.name}</button>
            <small class="type">${f.type}</small>
            <small class="coverage" title="share of events carrying it">${Math.round(coverage * 100)}%</small>
            <button class=${`col-toggle${p.cols.includes(f.name) ? ' on' : ''}`} title="show as a column" onClick=${() => p.onToggleColumn(f.name)}>⊞</button>
          </div>
          ${
            isOpen &&
            html`<div class="field-body">
              ${
                f.min !== undefined &&
                html`<p class="numbers">min ${num(f.min)} · max ${num(f.max)}${f.p50 !== undefined ? ` · p50 ${num(f.p50)}` : ''}${f.p99 !== undefined ? ` · p99 ${num(f.p99)}` : ''}</p>`
              }
              <ul class="top-values">
                ${f.top.map(
                  (t) => html`<li>
                    <span class="bar" style=${`width:${Math.round((t.count / Math.max(1, f.count)) * 100)}%`}></span>
                    <span class="v" title=${cellText(t.value, 200)}>${cellText(t.value, 60)}</span>
                    <small>${t.count}</small>
                    <button title="filter in" data-testid="filter-in" onClick=${() => p.onFilter(f.name, t.value, false)}>+</button>
                    <button title="filter out" data-testid="filter-out" onClick=${() => p.onFilter(f.name, t.value, true)}>−</button>
                  </li>`,
                )}
              </ul>
            </div>`
          }
        </li>`;
      })}
    </ul>
  </aside>`;
}
