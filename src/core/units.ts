/** Byte sizes as people write them: `512`, `10KB`, `5GB`, `1.5GiB`. */
import { UsageError } from './errors.js';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses a size into bytes; throws UsageError naming the text when it is not one. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(text);
  if (!m)
    throw new UsageError(
      `invalid size "${text}": expected a number and a unit (B, KB, MB, GB, KiB, MiB, GiB), e.g. 5GB`,
    );
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]);
}

/** Formats bytes for people: `1.2 GB`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

/**
 * Formats a count for people: `12,345`, as `en-US` does; other numbers go to `toLocaleString`.
 * Written out rather than `toLocaleString`: the first use of Intl loads locale data, 20–50 ms of
 * a fresh `logpipe query` that prints one count (2026-12-07, Node 20).
 */
export function groupDigits(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) >= 1e21) return n.toLocaleString('en-US');
  const int = String(Math.abs(n));
  let out = int.slice(0, ((int.length - 1) % 3) + 1);
  for (let i = out.length; i < int.length; i += 3) out += `,${int.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}
