/**
 * Live tail (/api/tail): new matching events, newest first, at most KEEP of them (older ones
 * dropped), the rate over the last seconds, pause and resume (events keep arriving while paused
 * and show on resume). Long values come cut (rows show their start, and are not opened here).
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { followTail } from '../api.js';
import { isCut, type Row } from '../lib/rows.js';
import type { Zone } from '../lib/url-state.js';
import { CUT_TITLE, cell, Marked } from './results.js';

export const KEEP = 10_000;
/**
 * Bytes of each long value a tailed event carries (`max_value_bytes`): a row shows 500
 * characters. Whole, the 10,000 kept events of 64 KB lines would hold over 1 GB.
 */
const TAIL_VALUE_BYTES = 2048;
/** Rows drawn: the newest. The rest are kept for when the view grows (or is exported). */
const SHOWN = 500;
const RATE_WINDOW_MS = 5000;

export function TailView(p: { q: string; cols: string[]; terms: string[]; tz: Zone }) {
  const buf = useRef<Row[]>([]);
  const arrivals = useRef<{ at: number; n: number }[]>([]);
  const [shown, setShown] = useState<Row[]>([]);
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(false);
  const [rate, setRate] = useState(0);
  const [status, setStatus] = useState('connecting…');
  useEffect(() => {
    buf.current = [];
    setShown([]);
    const stop = followTail(
      p.q || '*',
      {
        ready: () => setStatus('following'),
        error: (m) => setStatus(`stopped: ${m}`),
        rows: (r) => {
          // Newest first, bounded: a burst never grows the page beyond KEEP rows.
          const next = [...r.rows].reverse().concat(buf.current);
          buf.current = next.length > KEEP ? next.slice(0, KEEP) : next;
          arrivals.current.push({ at: Date.now(), n: r.rows.length });
          if (!pausedRef.current) setShown(buf.current.slice(0, SHOWN));
        },
      },
      TAIL_VALUE_BYTES,
    );
    const timer = setInterval(() => {
      const now = Date.now();
      arrivals.current = arrivals.current.filter((a) => now - a.at < RATE_WINDOW_MS);
      setRate(arrivals.current.reduce((n, a) => n + a.n, 0) / (RATE_WINDOW_MS / 1000));
    }, 1000);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [p.q]);
  const toggle = () => {
    pausedRef.current = !paused;
    setPaused(!paused);
    if (paused) setShown(buf.current.slice(0, SHOWN));
  };
  return html`<div class="tail" data-testid="tail">
    <div class="detail-bar">
      <button onClick=${toggle} data-testid="tail-pause">${paused ? 'resume' : 'pause'}</button>
      <span data-testid="tail-status">${status}</span>
      <span data-testid="tail-rate">${rate.toFixed(1)} events/s</span>
      <span class="muted" data-testid="tail-count">${buf.current.length.toLocaleString()} kept (newest ${KEEP.toLocaleString()})</span>
    </div>
    <div class="tail-rows">
      ${shown.map(
        (row) => html`<div class=${`row static lvl-${String(row.level ?? '')}`} data-testid="tail-row">
          ${p.cols.map((c) => {
            const cut = isCut(row, c);
            return html`<span class=${`c c-${c === 'message' ? 'message' : c === 'ts' ? 'ts' : 'f'}${cut ? ' cut' : ''}`} title=${cut ? CUT_TITLE : undefined}><${Marked} text=${cell(row, c, p.tz)} terms=${p.terms} /></span>`;
          })}
        </div>`,
      )}
    </div>
  </div>`;
}
