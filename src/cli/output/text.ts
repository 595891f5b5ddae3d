/** Text cells for terminal tables: widths in code points, cuts marked with `…`, padding. */
import { groupDigits } from '../../core/units.js';

/** Characters as a terminal counts them, roughly: code points (a surrogate pair is one). */
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Cuts `s` to at most `width` code points, marking the cut with `…`. */
export function cut(s: string, width: number): string {
  if (codePoints(s) <= width) return s;
  if (width <= 0) return '';
  const chars = Array.from(s);
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** `s` cut to `width` and padded with spaces on the right (left-aligned). */
export function padRight(s: string, width: number): string {
  const c = cut(s, width);
  return c + ' '.repeat(Math.max(0, width - codePoints(c)));
}

/** `s` cut to `width` and padded with spaces on the left (right-aligned). */
export function padLeft(s: string, width: number): string {
  const c = cut(s, width);
  return ' '.repeat(Math.max(0, width - codePoints(c))) + c;
}

/** `12345` → `12,345`: counts people read (never in data output). */
export function grouped(n: number): string {
  return groupDigits(n);
}
