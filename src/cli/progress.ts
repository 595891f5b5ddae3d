/**
 * A one-line progress bar for terminals, redrawn at most every 100 ms: the bar, the percentage,
 * the caller's label, a rate, the time taken and the time left (ETA, from the rate so far).
 */

export interface ProgressBar {
  /** `fraction` in [0, 1]; `label` follows the bar; `count` is what the rate counts (e.g. lines). */
  update(fraction: number, label: string, count?: number): void;
  /** Clears the line. */
  done(): void;
}

/** Whole seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** What a bar shows after its bar: percent, label, rate, time taken, time left. Pure, for tests. */
export function progressText(
  fraction: number,
  label: string,
  elapsedSecs: number,
  count: number | undefined,
  unit = 'lines',
): string {
  const f = Math.max(0, Math.min(1, fraction));
  const rate = count !== undefined && elapsedSecs > 0 ? `  ${Math.round(count / elapsedSecs)} ${unit}/s` : '';
  // Too early to tell: before 2 % or half a second an ETA swings by orders of magnitude.
  const eta =
    f >= 1
      ? ''
      : f >= 0.02 && elapsedSecs >= 0.5
        ? `  ETA ${formatDuration((elapsedSecs * (1 - f)) / f)}`
        : '  ETA -';
  return `${(f * 100).toFixed(0).padStart(3)}%  ${label}${rate}  ${elapsedSecs.toFixed(1)}s${eta}`;
}

/** Draws on `stream` (a TTY); callers skip it when the stream is not one. */
export function progressBar(stream: NodeJS.WriteStream, unit = 'lines'): ProgressBar {
  let last = 0;
  const started = Date.now();
  return {
    update(fraction, label, count) {
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const width = 30;
      const f = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(f * width);
      const text = progressText(f, label, (now - started) / 1000, count, unit);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    },
    done() {
      if (last > 0) stream.write('\r\x1b[K');
    },
  };
}
