/** Time helpers shared by every component: µs epoch <-> ISO text, durations like `15m`. */
import { inTimeRange, MAX_MICROS, MIN_MICROS } from './civil-time.js';
import { UsageError } from './errors.js';

/** Formats epoch microseconds as ISO 8601 UTC with 6 fractional digits. */
export function formatMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const frac = us - ms * 1000;
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  return `${iso.slice(0, 23)}${String(frac).padStart(3, '0')}Z`;
}

/** Parses an ISO 8601 / RFC 3339 string into epoch microseconds, or NaN. */
export function parseIsoMicros(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text.trim(),
  );
  if (!m) return Number.NaN;
  const zone = m[3] ? (m[3].toUpperCase() === 'Z' ? 'Z' : m[3]) : 'Z';
  const ms = Date.parse(`${m[1].replace(' ', 'T')}${zone}`);
  if (Number.isNaN(ms)) return Number.NaN;
  const frac = m[2] ? Number(m[2].padEnd(6, '0').slice(0, 6)) : 0;
  return ms * 1000 + frac;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration such as `500ms`, `15m`, `2h`, `7d`, `1h30m` into milliseconds. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let pos = 0;
  const t = text.trim();
  if (!t) throw new UsageError(`empty duration`);
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (pos !== t.length) {
    throw new UsageError(
      `invalid duration "${text}": expected a number and a unit (ms, s, m, h, d, w), e.g. 15m`,
    );
  }
  return total;
}

/**
 * Reads a point in time: ISO 8601 (`2026-01-02T03:04:05Z`, a bare date), `now`, or a relative
 * offset into the past (`15m`, `2h`, `now-1h`). Returns epoch microseconds as read (maybe outside
 * the range logpipe keeps, and then not exact), or NaN when the text is not a time.
 */
export function readTimePoint(text: string, nowMs: number = Date.now()): number {
  const t = text.trim();
  if (t === 'now') return nowMs * 1000;
  const rel = /^(?:now-)?(\d.*)$/.exec(t);
  if (rel && /^[\d.]+(ms|s|m|h|d|w)/.test(rel[1])) return (nowMs - parseDuration(rel[1])) * 1000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return Date.parse(`${t}T00:00:00Z`) * 1000;
  return parseIsoMicros(t);
}

/**
 * Parses a point in time (as readTimePoint) into epoch microseconds within the range logpipe
 * keeps (core/civil-time.ts `inTimeRange`); a time outside, or no time, is a UsageError saying so.
 */
export function parseTimePoint(text: string, nowMs: number = Date.now()): number {
  const us = readTimePoint(text, nowMs);
  if (Number.isNaN(us)) {
    throw new UsageError(
      `invalid time "${text}": expected ISO 8601 (2026-01-02T03:04:05Z), now, or 15m/2h/7d ago`,
    );
  }
  if (!inTimeRange(us)) throw new UsageError(`time "${text}" is out of range: ${TIME_RANGE_TEXT}`);
  return us;
}

/** The range of times logpipe keeps, as errors state it. */
export const TIME_RANGE_TEXT = `logpipe keeps times from ${formatMicros(MIN_MICROS)} to ${formatMicros(MAX_MICROS)}`;

/** parseTimePoint for a flag or request parameter: its errors start with `name` (`--since`, `since`). */
export function parseTimeArgument(name: string, text: string, nowMs: number = Date.now()): number {
  try {
    return parseTimePoint(text, nowMs);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${name}: ${err.message}`);
    throw err;
  }
}
