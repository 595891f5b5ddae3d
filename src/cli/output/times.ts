/**
 * Times as people read them: in one zone for a whole command, its offset written after each time
 * (`2026-01-02 04:04:05.123+01:00`), or UTC marked `Z` (`2026-01-02 03:04:05.123Z`). The zone is,
 * first found: `--tz`, the config's `display.timezone`, else the local zone on a terminal and UTC
 * when the output goes to a pipe or a file. The local zone is the `TZ` environment variable's, as
 * for every Unix tool (the system's when TZ is unset); a pipe stays in UTC whatever TZ says, so a
 * script's output does not change with the machine it runs on. Intl does the zone arithmetic; no
 * time-zone library is needed.
 */
import { UsageError } from '../../core/errors.js';

/** Where the zone came from, for the error that names it. */
export interface ZoneSources {
  /** `--tz`. */
  flag?: string;
  /** The config's `display.timezone`. */
  config?: string;
  env: NodeJS.ProcessEnv;
  /** Whether the output is a terminal. */
  tty: boolean;
}

/** The zone to show times in: `UTC` or an IANA name (`local` resolved). */
export function chooseTimeZone(s: ZoneSources): string {
  if (s.flag !== undefined) return checkedZone(s.flag, '--tz', s.env);
  if (s.config !== undefined) return checkedZone(s.config, 'display.timezone', s.env);
  return s.tty ? localZone(s.env) : 'UTC';
}

/** The local zone: TZ's (checked: Node would quietly take UTC for a name it does not know), else the system's. */
function localZone(env: NodeJS.ProcessEnv): string {
  const tz = env.TZ?.replace(/^:/, '');
  // A path (`TZ=/etc/localtime`) names a zone file: the one Node's Intl already reads.
  if (tz && !tz.startsWith('/')) return checkedZone(tz, 'the TZ environment variable', {});
  return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

/** A zone name checked with Intl; `local` and `UTC` (any case) are names too. */
function checkedZone(name: string, from: string, env: NodeJS.ProcessEnv): string {
  const n = name.trim();
  if (n.toLowerCase() === 'local') return localZone(env);
  if (n.toUpperCase() === 'UTC' || n === 'Z') return 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: n }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(
      `${from}: unknown time zone "${name}"; give an IANA name such as Europe/Paris or America/New_York, UTC, or local`,
    );
  }
}

/** How much of a time to show: events show milliseconds, time buckets only what they use. */
export type TimePrecision = 'ms' | 's' | 'min';

/** Formats stored times (ISO 8601 text in UTC, as queries return them) in one zone. */
export interface TimeFormatter {
  readonly zone: string;
  /** `2026-01-02T03:04:05.123456Z` → `2026-01-02 04:04:05.123+01:00`; other text unchanged (null if not a time). */
  format(iso: string, precision?: TimePrecision): string | null;
}

/** A stored time: `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`. */
const ISO_UTC = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/;

/** Whether a value is a stored time (what `format` reads). */
export function isStoredTime(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 20 && v.length <= 30 && ISO_UTC.test(v);
}

/** A formatter for `zone` (`UTC` or an IANA name from chooseTimeZone). */
export function timeFormatter(zone: string): TimeFormatter {
  const utc = zone === 'UTC';
  const offsetAt = utc ? () => 0 : zoneOffsets(zone);
  return {
    zone,
    format(iso, precision = 'ms') {
      const m = ISO_UTC.exec(iso);
      if (!m) return null;
      const frac = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
      if (utc) return `${m[1]}-${m[2]}-${m[3]} ${clock(m[4], m[5], m[6], frac, precision)}Z`;
      const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +frac);
      const off = offsetAt(ms);
      const w = new Date(ms + off * 60_000);
      const date = `${String(w.getUTCFullYear()).padStart(4, '0')}-${two(w.getUTCMonth() + 1)}-${two(w.getUTCDate())}`;
      const time = clock(
        two(w.getUTCHours()),
        two(w.getUTCMinutes()),
        two(w.getUTCSeconds()),
        frac,
        precision,
      );
      return `${date} ${time}${offsetText(off)}`;
    },
  };
}

function clock(h: string, m: string, s: string, frac: string, p: TimePrecision): string {
  if (p === 'min') return `${h}:${m}`;
  if (p === 's') return `${h}:${m}:${s}`;
  return `${h}:${m}:${s}.${frac}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function offsetText(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}

/** Quarter hours: every zone's offset changes on one (a time's offset is looked up once per quarter). */
const QUARTER_MS = 900_000;

/** The zone's offset from UTC in minutes at an instant, cached per quarter hour. */
function zoneOffsets(zone: string): (ms: number) => number {
  const dtf = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  const cache = new Map<number, number>();
  return (ms) => {
    const q = Math.floor(ms / QUARTER_MS);
    let off = cache.get(q);
    if (off === undefined) {
      const at = q * QUARTER_MS;
      const p: Record<string, string> = {};
      for (const part of dtf.formatToParts(at)) p[part.type] = part.value;
      const year = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
      const wall = Date.UTC(
        year,
        Number(p.month) - 1,
        Number(p.day),
        Number(p.hour),
        Number(p.minute),
        Number(p.second),
      );
      off = Math.round((wall - at) / 60_000);
      if (cache.size > 10_000) cache.clear();
      cache.set(q, off);
    }
    return off;
  };
}
