/**
 * A piped query's table, with a chart where one fits: lines over time for `timechart` (one per
 * group), bars for a count by one field (`count by`, `top`).
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { QueryResult } from '../api.js';
import { cellText, type Row } from '../lib/rows.js';
import { formatTime } from '../lib/time-format.js';
import type { Zone } from '../lib/url-state.js';

const PALETTE = ['#3f88c5', '#d7263d', '#f49d37', '#1b998b', '#8e6c8a', '#6c757d', '#2e4057', '#c5d86d'];
const MAX_BARS = 30;
const MAX_LINES = 12;

function numeric(rows: Row[], c: string): boolean {
  return (
    rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || Number.isFinite(Number(r[c])))
  );
}

/** Series for a timechart: x the bucket times, one per group of the non-numeric columns. */
export function timeSeries(
  r: QueryResult,
): { xs: number[]; names: string[]; ys: (number | null)[][] } | null {
  if (!r.columns.includes('time')) return null;
  const value = r.columns.find((c) => c !== 'time' && numeric(r.rows, c));
  if (!value) return null;
  const keys = r.columns.filter((c) => c !== 'time' && c !== value && !numeric(r.rows, c));
  const times = [...new Set(r.rows.map((row) => Date.parse(String(row.time)) / 1000))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const series = new Map<string, (number | null)[]>();
  for (const row of r.rows) {
    const name = keys.map((k) => cellText(row[k], 40)).join(' ') || value;
    let ys = series.get(name);
    if (!ys) {
      if (series.size >= MAX_LINES) continue;
      series.set(name, (ys = new Array(times.length).fill(null)));
    }
    ys[at.get(Date.parse(String(row.time)) / 1000) ?? 0] = Number(row[value]);
  }
  return { xs: times, names: [...series.keys()], ys: [...series.values()] };
}

function TimeChart(p: { r: QueryResult; tz: Zone }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const s = timeSeries(p.r);
    if (!s || !box.current || s.xs.length === 0) return;
    const el = box.current;
    const plot = new uPlot(
      {
        width: el.clientWidth || 800,
        height: 220,
        ...(p.tz === 'utc' ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC') } : {}),
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', size: 50 }],
        series: [{}, ...s.names.map((n, i) => ({ label: n, stroke: PALETTE[i % PALETTE.length], width: 2 }))],
      },
      [s.xs, ...s.ys] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [p.r, p.tz]);
  return html`<div class="agg-chart" data-testid="agg-timechart" ref=${box}></div>`;
}

function BarChart(p: { r: QueryResult; label: string; value: string }) {
  const rows = p.r.rows.slice(0, MAX_BARS);
  const max = Math.max(1, ...rows.map((r) => Number(r[p.value]) || 0));
  return html`<div class="agg-bars" data-testid="agg-bars">
    ${rows.map(
      (r) => html`<div class="agg-bar">
        <span class="l" title=${cellText(r[p.label], 200)}>${cellText(r[p.label], 40)}</span>
        <span class="b"><i style=${`width:${((Number(r[p.value]) || 0) / max) * 100}%`}></i></span>
        <span class="n">${cellText(r[p.value])}</span>
      </div>`,
    )}
  </div>`;
}

export function Aggregate(p: { r: QueryResult; tz: Zone }) {
  const cols = p.r.columns;
  const numbers = cols.filter((c) => numeric(p.r.rows, c));
  const labels = cols.filter((c) => !numbers.includes(c));
  let chart = null;
  if (cols.includes('time')) chart = html`<${TimeChart} r=${p.r} tz=${p.tz} />`;
  else if (labels.length === 1 && numbers.length >= 1)
    chart = html`<${BarChart} r=${p.r} label=${labels[0]} value=${numbers.includes('count') ? 'count' : numbers[0]} />`;
  return html`<div class="aggregate" data-testid="aggregate">
    ${chart}
    <table class="agg-table" data-testid="agg-table">
      <thead><tr>${cols.map((c) => html`<th>${c}</th>`)}</tr></thead>
      <tbody>
        ${p.r.rows.slice(0, 2000).map((r) => html`<tr>${cols.map((c) => html`<td>${c === 'time' ? formatTime(r[c], p.tz) : cellText(r[c], 300)}</td>`)}</tr>`)}
      </tbody>
    </table>
    ${p.r.rows.length > 2000 && html`<p class="muted">first 2,000 of ${p.r.rows.length.toLocaleString()} rows shown; download for all</p>`}
  </div>`;
}
