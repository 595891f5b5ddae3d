/** The time range (15m, 1h, 24h, 7d, or from–to) and the zone times are shown in. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { fromInputValue, toInputValue, zoneName } from '../lib/time-format.js';
import { RELATIVE_RANGES, type TimeRange, type Zone } from '../lib/url-state.js';

export interface RangePickerProps {
  range: TimeRange;
  tz: Zone;
  onRange(r: TimeRange): void;
  onZone(z: Zone): void;
  /** Shown when the histogram was zoomed in: goes back out. */
  onZoomOut?: () => void;
}

export function RangePicker(p: RangePickerProps) {
  const [open, setOpen] = useState(false);
  const now = new Date();
  const [from, setFrom] = useState(
    p.range.kind === 'absolute'
      ? toInputValue(p.range.from, p.tz)
      : toInputValue(new Date(now.getTime() - 3600_000).toISOString(), p.tz),
  );
  const [to, setTo] = useState(
    p.range.kind === 'absolute' ? toInputValue(p.range.to, p.tz) : toInputValue(now.toISOString(), p.tz),
  );
  const apply = () => {
    const f = fromInputValue(from, p.tz);
    const t = fromInputValue(to, p.tz);
    if (f && t && f < t) {
      p.onRange({ kind: 'absolute', from: f, to: t });
      setOpen(false);
    }
  };
  const zone = zoneName(p.tz, now.getTimezoneOffset(), Intl.DateTimeFormat().resolvedOptions().timeZone);
  return html`<div class="range-picker" data-testid="range-picker">
    ${RELATIVE_RANGES.map(
      (r) => html`<button
        class=${p.range.kind === 'relative' && p.range.since === r ? 'on' : ''}
        data-range=${r}
        onClick=${() => p.onRange({ kind: 'relative', since: r })}
      >${r}</button>`,
    )}
    <button class=${p.range.kind === 'absolute' ? 'on' : ''} onClick=${() => setOpen(!open)} data-testid="range-absolute">
      ${p.range.kind === 'absolute' ? `${toInputValue(p.range.from, p.tz).replace('T', ' ')} → ${toInputValue(p.range.to, p.tz).replace('T', ' ')}` : 'from–to'}
    </button>
    ${p.onZoomOut && html`<button onClick=${p.onZoomOut} data-testid="zoom-out" title="Zoom out (Escape)">zoom out</button>`}
    <button
      class="zone"
      data-testid="zone"
      title="Times shown in this zone; click to switch"
      onClick=${() => p.onZone(p.tz === 'utc' ? 'local' : 'utc')}
    >${zone}</button>
    ${
      open &&
      html`<div class="range-form">
        <label>from <input type="datetime-local" data-testid="range-from" value=${from} onInput=${(e: Event) => setFrom((e.target as HTMLInputElement).value)} /></label>
        <label>to <input type="datetime-local" data-testid="range-to" value=${to} onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)} /></label>
        <button onClick=${apply} data-testid="range-apply">apply</button>
      </div>`
    }
  </div>`;
}
