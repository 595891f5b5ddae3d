/** Horizontal bars for a column of numbers, drawn in eighths of a character (`█▉▊▋▌▍▎▏`). */

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar `value / max` of `width` characters long; empty for nothing, at least a sliver for any positive value. */
export function bar(value: number, max: number, width: number): string {
  if (!(value > 0) || !(max > 0) || width <= 0) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/** The narrowest and widest bars drawn beside a table. */
export const MIN_BAR_WIDTH = 10;
export const MAX_BAR_WIDTH = 60;
