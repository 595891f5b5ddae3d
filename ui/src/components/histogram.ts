/**
 * Events over the range (/api/histogram), bars stacked by level, drawn by uPlot. Dragging across
 * it selects a narrower range (the page zooms in); the range picker's button or Escape goes
 * back. Each series is the sum of its level and those before it, drawn widest first, so the
 * bars stack without uPlot's band machinery. Axis labels carry the date when the range crosses
 * days.
 */
import { html } from 'htm/preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { HistogramResult } from '../api.js';
import type { Zone } from '../lib/url-state.js';

const LEVEL_COLOURS: Record<string, string> = {
  fatal: '#7a0019',
  error: '#d7263d',
  warn: '#f49d37',
  info: '#3f88c5',
  debug: '#8e8e8e',
  trace: '#b8b8b8',
  unknown: '#6c757d',
  none: '#a0a0a0',
};

export interface HistogramProps {
  data: HistogramResult;
  tz: Zone;
  /** A range dragged out on the chart, ISO times. */
  onSelect(from: string, to: string): void;
}

/** Stacked series: for each level in order, the running sum of counts up to it. */
export function stackedSeries(data: HistogramResult): { xs: number[]; stacks: number[][] } {
  const xs = data.buckets.map((b) => Date.parse(b.t) / 1000);
  const stacks: number[][] = [];
  const running = new Array<number>(xs.length).fill(0);
  for (const level of data.levels) {
    data.buckets.forEach((b, i) => {
      running[i] += b.counts[level] ?? 0;
    });
    stacks.push([...running]);
  }
  return { xs, stacks };
}

export function Histogram(p: HistogramProps) {
  const box = useRef<HTMLDivElement>(null);
  // A layout effect: the chart is drawn in the frame its data arrives in, not one or two frames
  // later as after a paint (measured ~45-60 ms from the answer to the drawn chart with useEffect).
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const { xs, stacks } = stackedSeries(p.data);
    const total = p.data.buckets.reduce((n, b) => n + b.total, 0);
    const levels = p.data.levels;
    const crossesDays =
      new Date(xs[0] * 1000).toDateString() !== new Date((xs[xs.length - 1] ?? xs[0]) * 1000).toDateString();
    const bars = uPlot.paths.bars?.({ size: [0.9, 100], align: 1 });
    // Widest (all levels) first, so narrower stacks paint over it.
    const order = levels.map((_, i) => levels.length - 1 - i);
    const opts: uPlot.Options = {
      width: el.clientWidth || 800,
      height: 120,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false } },
      ...(p.tz === 'utc' ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC') } : {}),
      scales: { x: { time: true, range: [xs[0], xs[xs.length - 1] + p.data.step_ms / 1000] } },
      axes: [
        {
          stroke: 'currentColor',
          grid: { show: false },
          values: crossesDays
            ? '{YYYY}-{MM}-{DD} {HH}:{mm}'
            : (_u: uPlot, splits: number[]) =>
                splits.map((s) => {
                  const d = p.tz === 'utc' ? uPlot.tzDate(new Date(s * 1e3), 'Etc/UTC') : new Date(s * 1e3);
                  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
                }),
        },
        {
          stroke: 'currentColor',
          // Wide enough for the longest count (a fixed 50 px cut "10,000" to "0,000").
          size: (_u: uPlot, values: string[] | null) =>
            Math.max(40, 16 + 7 * Math.max(0, ...(values ?? []).map((v) => String(v).length))),
          grid: { stroke: 'rgba(128,128,128,0.2)' },
        },
      ],
      series: [
        {},
        ...order.map((i) => ({
          label: levels[i],
          fill: LEVEL_COLOURS[levels[i]] ?? '#5b8def',
          stroke: LEVEL_COLOURS[levels[i]] ?? '#5b8def',
          paths: bars,
          points: { show: false },
        })),
      ],
      hooks: {
        // Says on the page which counts the canvas shows: the bench and the tests wait for it
        // (the old chart stays in the page until this effect replaces it).
        draw: [
          () => {
            el.dataset.drawn = String(total);
          },
        ],
        setSelect: [
          (u: uPlot) => {
            if (u.select.width < 3) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            p.onSelect(new Date(a * 1000).toISOString(), new Date(b * 1000).toISOString());
          },
        ],
      },
    };
    const plot = new uPlot(opts, [xs, ...order.map((i) => stacks[i])] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 120 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [p.data, p.tz]);
  const total = p.data.buckets.reduce((n, b) => n + b.total, 0);
  return html`<div class="histogram" data-testid="histogram" data-buckets=${p.data.buckets.length} data-total=${total}>
    <div class="histogram-legend">
      ${p.data.levels.map((l) => html`<span><i style=${`background:${LEVEL_COLOURS[l] ?? '#5b8def'}`}></i>${l}</span>`)}
      <span class="muted">${total.toLocaleString()} events, ${p.data.buckets.length} buckets of ${stepText(p.data.step_ms)}</span>
    </div>
    <div ref=${box} class="histogram-plot"></div>
  </div>`;
}

function stepText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
