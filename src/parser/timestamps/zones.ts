/** Zones for stamps without an offset, from their user-facing names: UTC, fixed offsets, IANA names. */
import { civilMs, UTC, type Zone } from '../../core/civil-time.js';

/** A zone `offsetMinutes` east of UTC. */
export function fixedZone(offsetMinutes: number, name?: string): Zone {
  if (offsetMinutes === 0) return UTC;
  const ms = offsetMinutes * 60_000;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  const label =
    name ?? `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return { name: label, toUtcMs: (local) => local - ms };
}

/** An IANA zone; offsets are looked up through Intl once per hour of time and cached. */
function ianaZone(name: string): Zone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  // Offset (ms) of the zone at UTC instant `utc`.
  const offsetAt = (utc: number): number => {
    const hour = Math.floor(utc / 3_600_000);
    let off = cache.get(hour);
    if (off === undefined) {
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(new Date(hour * 3_600_000))) {
        if (part.type !== 'literal') p[part.type] = Number(part.value);
      }
      off = civilMs(p.year, p.month, p.day, p.hour, p.minute, p.second) - hour * 3_600_000;
      if (cache.size > 10_000) cache.clear();
      cache.set(hour, off);
    }
    return off;
  };
  return {
    name,
    toUtcMs: (local) => {
      // Guess with the offset at `local`, then correct once: right except inside a DST gap.
      const guess = local - offsetAt(local);
      return local - offsetAt(guess);
    },
  };
}

/**
 * A zone from its user-facing name: `UTC`/`Z`, a fixed offset (`+02:00`, `-0530`, `UTC+2`), or an
 * IANA name (`Europe/Berlin`). Returns null for a name it does not know.
 */
export function zoneFromName(text: string): Zone | null {
  const t = text.trim();
  if (t === '' || /^(utc|gmt|z)$/i.test(t)) return UTC;
  const m = /^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (m) {
    const h = Number(m[2]);
    const mi = m[3] ? Number(m[3]) : 0;
    if (h > 18 || mi > 59) return null;
    return fixedZone((m[1] === '-' ? -1 : 1) * (h * 60 + mi), t);
  }
  try {
    return ianaZone(new Intl.DateTimeFormat('en-US', { timeZone: t }).resolvedOptions().timeZone);
  } catch {
    return null;
  }
}

/**
 * Zone abbreviations logs write after a zone-less stamp (PostgreSQL's `%m`, `date`), as minutes
 * east of UTC. Ambiguous ones (`CST`, `IST`) are left out: the configured zone applies to them.
 */
const ZONE_ABBREVIATIONS = new Map<string, number>([
  ['UTC', 0],
  ['GMT', 0],
  ['WET', 0],
  ['WEST', 60],
  ['BST', 60],
  ['CET', 60],
  ['CEST', 120],
  ['EET', 120],
  ['EEST', 180],
  ['MSK', 180],
  ['EST', -300],
  ['EDT', -240],
  ['CDT', -300],
  ['MST', -420],
  ['MDT', -360],
  ['PST', -480],
  ['PDT', -420],
  ['AKST', -540],
  ['AKDT', -480],
  ['HST', -600],
  ['HKT', 480],
  ['SGT', 480],
  ['JST', 540],
  ['KST', 540],
  ['AEST', 600],
  ['AEDT', 660],
  ['NZST', 720],
  ['NZDT', 780],
]);
const ABBREVIATED = new Map<string, Zone>();
for (const [name, minutes] of ZONE_ABBREVIATIONS) ABBREVIATED.set(name, fixedZone(minutes, name));

/** The zone an abbreviation written after a stamp names (`UTC`, `CEST`, `PDT`...), or undefined. */
export function abbreviatedZone(name: string): Zone | undefined {
  return ABBREVIATED.get(name);
}
