/**
 * Timestamp text for the formats without per-line Date work: a timestamp's second-level prefix is
 * formatted once per second and cached by the caller; the sub-second digits come from tables.
 */
import { MONTHS, PAD2, PAD3 } from '../core/civil-time.js';

/** `2026-11-27T12:00:00` for an epoch second (UTC). */
export function isoSecond(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19);
}

/** `27/Nov/2026:12:00:00 +0000`, the Apache/nginx access log time (UTC). */
export function clfSecond(sec: number): string {
  const d = new Date(sec * 1000);
  return (
    PAD2[d.getUTCDate()] +
    '/' +
    MONTHS[d.getUTCMonth()] +
    '/' +
    d.getUTCFullYear() +
    ':' +
    PAD2[d.getUTCHours()] +
    ':' +
    PAD2[d.getUTCMinutes()] +
    ':' +
    PAD2[d.getUTCSeconds()] +
    ' +0000'
  );
}

/** `.123` for the milliseconds within the second of `tsUs`. */
export function fracMillis(tsUs: number): string {
  return '.' + PAD3[Math.floor(tsUs / 1000) % 1000];
}

/** `.123456` for the microseconds within the second of `tsUs`. */
export function fracMicros(tsUs: number): string {
  const us = tsUs % 1_000_000;
  return '.' + PAD3[Math.floor(us / 1000)] + PAD3[us % 1000];
}

const DAYS: readonly string[] = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `2026-11-27 12:00:00` (log4j, Python logging; UTC). */
export function spacedSecond(sec: number): string {
  return isoSecond(sec).replace('T', ' ');
}

/** `2026/11/27 12:00:00` (nginx error log; UTC). */
export function slashedSecond(sec: number): string {
  return isoSecond(sec).replaceAll('-', '/').replace('T', ' ');
}

/** `Nov 27 12:00:00` with the day space-padded, as RFC 3164 writes it. */
export function bsdSecond(sec: number): string {
  const d = new Date(sec * 1000);
  const day = d.getUTCDate();
  return (
    MONTHS[d.getUTCMonth()] +
    (day < 10 ? '  ' : ' ') +
    day +
    ' ' +
    PAD2[d.getUTCHours()] +
    ':' +
    PAD2[d.getUTCMinutes()] +
    ':' +
    PAD2[d.getUTCSeconds()]
  );
}

/** `Fri Nov 27 12:00:00` and ` 2026`: Apache's error-log stamp around its microseconds. */
export function ctimeParts(sec: number): [string, string] {
  const d = new Date(sec * 1000);
  return [
    DAYS[d.getUTCDay()] +
      ' ' +
      MONTHS[d.getUTCMonth()] +
      ' ' +
      PAD2[d.getUTCDate()] +
      ' ' +
      PAD2[d.getUTCHours()] +
      ':' +
      PAD2[d.getUTCMinutes()] +
      ':' +
      PAD2[d.getUTCSeconds()],
    ' ' + d.getUTCFullYear(),
  ];
}

/** Caches `fmt(second)` for the second of each timestamp: one Date per second, not per line. */
export function perSecond<T>(fmt: (sec: number) => T): (tsUs: number) => T {
  let sec = Number.NaN;
  let text: T = fmt(0);
  return (tsUs) => {
    const s = Math.floor(tsUs / 1_000_000);
    if (s !== sec) {
      sec = s;
      text = fmt(s);
    }
    return text;
  };
}
