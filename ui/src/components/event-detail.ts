/**
 * An expanded event: every field and the raw line, each with a copy button. The row a list page
 * gave may hold long values cut (marked); they show as they are until the whole event arrives
 * (whole-event.ts), and every copy and filter takes its value from the whole event, never a cut one.
 */
import { html } from 'htm/preact';
import { allFields, cellText, cutPaths, eventJson, type Row, valueAt } from '../lib/rows.js';
import { formatTime } from '../lib/time-format.js';
import type { Zone } from '../lib/url-state.js';
import type { WholeEvent } from './whole-event.js';

/** Longest raw line shown whole; the copy button copies all of it. */
const RAW_SHOWN = 64 * 1024;

/**
 * Puts text on the clipboard: at once when it is known, else once it is (a ClipboardItem takes
 * the text to come, so the click's permission holds while the whole event is asked for).
 */
function copy(text: string | Promise<string>) {
  const clip = navigator.clipboard;
  if (!clip) return;
  if (typeof text === 'string') {
    clip.writeText(text).catch(() => {});
    return;
  }
  const later = () => text.then((t) => clip.writeText(t)).catch(() => {});
  if (typeof ClipboardItem === 'undefined' || !clip.write) {
    later();
    return;
  }
  const blob = text.then((t) => new Blob([t], { type: 'text/plain' }));
  clip.write([new ClipboardItem({ 'text/plain': blob })]).catch(later);
}

function asText(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '');
}

export interface EventDetailProps {
  /** The row as the list page gave it. */
  row: Row;
  /** The same event whole (useWholeEvent). */
  event: WholeEvent;
  tz: Zone;
  onClose(): void;
  onContext?: () => void;
  onFilter(field: string, value: unknown, exclude: boolean): void;
  onAddColumn(field: string): void;
}

export function EventDetail(p: EventDetailProps) {
  const whole = p.event.whole;
  const shown = whole ?? p.row;
  const cut = whole ? [] : cutPaths(p.row);
  /** The whole event's text for a copy: now when it is here, else when it comes. */
  const text = (of: (r: Row) => string): string | Promise<string> =>
    whole ? of(whole) : p.event.complete().then(of);
  const failed = p.event.error !== null;
  const raw = typeof shown.raw === 'string' ? shown.raw : '';
  const rawCut = cut.includes('raw');
  const mark = (path: string) =>
    cut.includes(path) &&
    html`<span class="cut-note" data-testid="cut-note">${failed ? ' (cut for the list)' : ' (cut; loading all of it…)'}</span>`;
  return html`<div class="detail" data-testid="event-detail" data-whole=${cut.length === 0 ? '1' : '0'}>
    <div class="detail-bar">
      <strong>${formatTime(shown.ts, p.tz)}</strong>
      ${p.onContext && html`<button onClick=${p.onContext} data-testid="show-context">context</button>`}
      <button disabled=${cut.length > 0 && failed} onClick=${() => copy(text(eventJson))} data-testid="copy-json">copy JSON</button>
      <button onClick=${p.onClose} title="Close (Escape)">×</button>
    </div>
    ${failed && cut.length > 0 && html`<p class="query-error">The whole event could not be fetched: ${p.event.error}</p>`}
    <table class="fields-table">
      <tbody>
        ${allFields(shown).map(({ name, path, value }) => {
          const off = cut.includes(path) && failed;
          const withValue = (then: (v: unknown) => void) =>
            whole
              ? then(valueAt(whole, path))
              : p.event.complete().then(
                  (w) => then(valueAt(w, path)),
                  () => {},
                );
          return html`<tr>
            <th>${name}</th>
            <td class="value">${cellText(value, 4096)}${mark(path)}</td>
            <td class="acts">
              <button title="filter in" disabled=${off} onClick=${() => withValue((v) => p.onFilter(name, v, false))}>+</button>
              <button title="filter out" disabled=${off} onClick=${() => withValue((v) => p.onFilter(name, v, true))}>−</button>
              <button title="add column" onClick=${() => p.onAddColumn(name)}>⊞</button>
              <button title="copy" disabled=${off} data-testid=${`copy-${path}`} onClick=${() => copy(text((r) => asText(valueAt(r, path))))}>⧉</button>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${
      raw &&
      html`<div class="raw">
        <div class="detail-bar"><span>raw line (${rawCut ? (failed ? 'cut for the list' : 'loading all of it…') : `${raw.length.toLocaleString()} chars`})</span>
          <button disabled=${rawCut && failed} onClick=${() => copy(text((r) => String(r.raw ?? '')))} data-testid="copy-raw">copy raw</button></div>
        <pre data-testid="raw-line">${raw.length > RAW_SHOWN ? `${raw.slice(0, RAW_SHOWN)}…` : raw}</pre>
      </div>`
    }
  </div>`;
}
