/** An expanded event: every field and the raw line, each with a copy button. */
import { html } from 'htm/preact';
import { allFields, cellText, type Row } from '../lib/rows.js';
import { formatTime } from '../lib/time-format.js';
import type { Zone } from '../lib/url-state.js';

/** Longest raw line shown whole; the copy button copies all of it. */
const RAW_SHOWN = 64 * 1024;

function copy(text: string) {
  navigator.clipboard?.writeText(text).catch(() => {});
}

export interface EventDetailProps {
  row: Row;
  tz: Zone;
  onClose(): void;
  onContext?: () => void;
  onFilter(field: string, value: unknown, exclude: boolean): void;
  onAddColumn(field: string): void;
}

export function EventDetail(p: EventDetailProps) {
  const raw = typeof p.row.raw === 'string' ? p.row.raw : '';
  return html`<div class="detail" data-testid="event-detail">
    <div class="detail-bar">
      <strong>${formatTime(p.row.ts, p.tz)}</strong>
      ${p.onContext && html`<button onClick=${p.onContext} data-testid="show-context">context</button>`}
      <button onClick=${() => copy(JSON.stringify(p.row, null, 2))} data-testid="copy-json">copy JSON</button>
      <button onClick=${p.onClose} title="Close (Escape)">×</button>
    </div>
    <table class="fields-table">
      <tbody>
        ${allFields(p.row).map(
          ([k, v]) => html`<tr>
            <th>${k}</th>
            <td class="value">${cellText(v, 4096)}</td>
            <td class="acts">
              <button title="filter in" onClick=${() => p.onFilter(k, v, false)}>+</button>
              <button title="filter out" onClick=${() => p.onFilter(k, v, true)}>−</button>
              <button title="add column" onClick=${() => p.onAddColumn(k)}>⊞</button>
              <button title="copy" onClick=${() => copy(typeof v === 'object' ? JSON.stringify(v) : String(v))}>⧉</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${
      raw &&
      html`<div class="raw">
        <div class="detail-bar"><span>raw line (${raw.length.toLocaleString()} chars)</span>
          <button onClick=${() => copy(raw)} data-testid="copy-raw">copy raw</button></div>
        <pre data-testid="raw-line">${raw.length > RAW_SHOWN ? `${raw.slice(0, RAW_SHOWN)}…` : raw}</pre>
      </div>`
    }
  </div>`;
}
