/**
 * Timestamp scanning for the parsers: hand-written scanners (no regex) over the layouts logs use,
 * each returning epoch microseconds UTC or NaN. Scanners read from an index and leave the index
 * just past what they consumed in `scan.end`, so a format parser can go on from there.
 *
 * The primitives (digits, month names, fractions, zone designators, civil-time arithmetic) and
 * the access-line date are in core (civil-time.ts, access-line.ts), shared with the generator and
 * the store's row codec; they are exported here too, as the parser's formats use them.
 *
 * Module state, each slot measured against a stateless alternative on 1M stamps:
 * - `scan.end` (core/civil-time.ts): the scanners' second return value, kept (objects cost more).
 * - the year cache in stamp-parts.ts (the year of the last read time): kept (arithmetic costs more).
 * - the `[h, m, s]` array the clock used to be read into is gone: clockSeconds returns one number,
 *   no slower.
 */
export { scanHttpDate } from '../../core/access-line.js';
export {
  civilMs,
  daysFromCivil,
  digits,
  inTimeRange,
  MAX_MICROS,
  MIN_MICROS,
  monthAt,
  scan,
  UTC,
  type Zone,
  zoneOffset,
} from '../../core/civil-time.js';
export { scanAnyTime } from './any-time.js';
export { epochToMicros, parseEpochText, parseIso, scanEpoch, scanIso } from './iso-epoch.js';
export { scanCtime, scanDayMonthName, scanSyslogDate } from './month-names.js';
export {
  scanCompactDate,
  scanDashCompactDate,
  scanDashedDotStamp,
  scanDotDate,
  scanLooseIso,
  scanMonthDayDate,
  scanShortSlashDate,
  scanSlashDate,
  scanUsDate,
} from './numeric-dates.js';
export { inferYear } from './stamp-parts.js';
export { abbreviatedZone, fixedZone, zoneFromName } from './zones.js';
