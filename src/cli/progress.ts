/** A one-line progress bar for terminals, redrawn at most every 100 ms. */

export interface ProgressBar {
  /** `fraction` in [0, 1]; `label` follows the bar. */
  update(fraction: number, label: string): void;
  /** Clears the line. */
  done(): void;
}

/** Draws on `stream` (a TTY); callers skip it when the stream is not one. */
export function progressBar(stream: NodeJS.WriteStream): ProgressBar {
  let last = 0;
  const started = Date.now();
  return {
    update(fraction, label) {
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const width = 30;
      const f = Math.max(0, Math.min(1, fraction));
      const filled = Math.round(f * width);
      const secs = ((now - started) / 1000).toFixed(1);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}%  ${label}  ${secs}s\x1b[K`,
      );
    },
    done() {
      if (last > 0) stream.write('\r\x1b[K');
    },
  };
}
