/** Event times as people read them, in the local zone or UTC, and the zone's name. */
import type { Zone } from './url-state.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-12-07 15:04:05.123` in the zone; the text itself when it is not a time. */
export function formatTime(value: unknown, tz: Zone): string {
  const ms = typeof value === 'number' ? value : Date.parse(String(value));
  if (!Number.isFinite(ms)) return String(value ?? '');
  const d = new Date(ms);
  const utc = tz === 'utc';
  const y = utc ? d.getUTCFullYear() : d.getFullYear();
  const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const day = utc ? d.getUTCDate() : d.getDate();
  const h = utc ? d.getUTCHours() : d.getHours();
  const mi = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  const ms3 = utc ? d.getUTCMilliseconds() : d.getMilliseconds();
  return `${y}-${pad(mo)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms3, 3)}`;
}

/** The zone's name: `UTC`, or the browser's (e.g. `Europe/Paris`, `UTC+01:00` when unnamed). */
export function zoneName(tz: Zone, offsetMinutes: number, named?: string): string {
  if (tz === 'utc') return 'UTC';
  if (named) return named;
  const sign = offsetMinutes <= 0 ? '+' : '-';
  const a = Math.abs(offsetMinutes);
  return `UTC${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** A `datetime-local` input's value for an ISO time, in the zone. */
export function toInputValue(iso: string, tz: Zone): string {
  return formatTime(iso, tz).slice(0, 16).replace(' ', 'T');
}

/** The ISO time a `datetime-local` value means in the zone; null when unreadable. */
export function fromInputValue(value: string, tz: Zone): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  const ms = tz === 'utc' ? Date.UTC(y, mo - 1, d, h, mi, s) : new Date(y, mo - 1, d, h, mi, s).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
