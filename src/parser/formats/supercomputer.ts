/**
 * The layout of the public supercomputer logs (Blue Gene/L, Thunderbird, Spirit, Liberty): an
 * alert tag (`-` when none), epoch seconds, the date, the reporting node, then the machine's
 * own record:
 *   - 1131566461 2005.11.09 R21-M0-N6-C:J12-U01 2005-11-09-12.01.01.415321 R21-M0-N6-C:J12-U01 RAS KERNEL FATAL machine check interrupt
 *   - 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root
 * The epoch column is the event's time (the record's own stamp is the machine's local time, zone
 * unstated); a Blue Gene/L stamp adds its fraction when its minutes and seconds agree.
 */
import type { Fields, Level } from '../../core/events.js';
import { levelToken } from '../level-words.js';
import { digits, scan, scanDashedDotStamp, scanSyslogDate, UTC } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

/** End of the token at `k` (the next space, or `n`). */
function tokenEnd(s: string, k: number, n: number): number {
  let e = k;
  while (e < n && s.charCodeAt(e) !== 32) e++;
  return e;
}

/** An alert tag: `-`, or upper-case letters, digits and `_`. */
function isAlertTag(s: string, e: number): boolean {
  if (e === 1 && s.charCodeAt(0) === 45) return true;
  if (e < 2 || e > 24) return false;
  for (let k = 0; k < e; k++) {
    const c = s.charCodeAt(k);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

/** Blue Gene/L RAS severities: the words levelToken knows, and `FAILURE`, its highest. */
function rasLevel(s: string, k: number, e: number): Level | undefined {
  if (e - k === 7 && s.startsWith('FAILURE', k)) return 'fatal';
  return levelToken(s, k, e);
}

/** Parses a line of the supercomputer layout; null for anything else. */
export function parseSupercomputer(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  // The alert tag is short: look no further than 25 characters for its end.
  const a = tokenEnd(line, 0, Math.min(n, 25));
  if (a >= n || line.charCodeAt(a) !== 32 || !isAlertTag(line, a)) return null;
  const epoch = digits(line, a + 1, 10);
  const d = a + 12;
  if (epoch < 0 || line.charCodeAt(a + 11) !== 32) return null;
  // yyyy.MM.dd
  if (digits(line, d, 4) < 0 || line.charCodeAt(d + 4) !== 46 || line.charCodeAt(d + 7) !== 46) return null;
  if (digits(line, d + 5, 2) < 1 || digits(line, d + 8, 2) < 1 || line.charCodeAt(d + 10) !== 32) return null;
  const nodeStart = d + 11;
  const nodeEnd = tokenEnd(line, nodeStart, n);
  if (nodeEnd === nodeStart) return null;
  const host = line.slice(nodeStart, nodeEnd);
  const fields: Fields = {};
  if (a !== 1) fields.alert = line.slice(0, a);
  let ts = epoch * 1_000_000;
  let level: Level = 'unknown';
  let service: string | null = null;
  let i = nodeEnd + 1;
  const local = scanDashedDotStamp(line, i, UTC);
  if (!Number.isNaN(local)) {
    // Blue Gene/L: `stamp location RAS component LEVEL text`.
    const localS = Math.floor(local / 1_000_000);
    if (localS % 3600 === epoch % 3600) ts += local - localS * 1_000_000;
    let k = scan.end + 1;
    const locEnd = tokenEnd(line, k, n);
    fields.location = line.slice(k, locEnd);
    k = locEnd + 1;
    const typeEnd = tokenEnd(line, k, n);
    const compEnd = tokenEnd(line, typeEnd + 1, n);
    const lvlEnd = tokenEnd(line, compEnd + 1, n);
    const lvl = compEnd < n ? rasLevel(line, compEnd + 1, lvlEnd) : undefined;
    if (lvl !== undefined) {
      fields.type = line.slice(k, typeEnd);
      service = line.slice(typeEnd + 1, compEnd);
      const raw = line.slice(compEnd + 1, lvlEnd);
      if (raw.toLowerCase() !== lvl) fields.level_raw = raw;
      level = lvl;
      i = Math.min(lvlEnd + 1, n);
    } else {
      i = k;
    }
  } else if (!Number.isNaN(scanSyslogDate(line, i, UTC, ctx.refMs)) && line.charCodeAt(scan.end) === 32) {
    // Thunderbird and the others: a syslog line after the prefix, `from prog[pid]: text`.
    const fromEnd = tokenEnd(line, scan.end + 1, n);
    let k = fromEnd + 1;
    const tagEnd = tokenEnd(line, k, n);
    if (tagEnd > k && line.charCodeAt(tagEnd - 1) === 58) {
      let progEnd = tagEnd - 1;
      if (line.charCodeAt(progEnd - 1) === 93) {
        const open = line.lastIndexOf('[', progEnd);
        if (open > k) {
          const pid = Number(line.slice(open + 1, progEnd - 1));
          if (Number.isInteger(pid)) fields.pid = pid;
          progEnd = open;
        }
      }
      service = line.slice(k, progEnd);
      k = Math.min(tagEnd + 1, n);
    }
    i = k;
    const wordEnd = tokenEnd(line, i, n);
    level = levelToken(line, i, wordEnd) ?? 'unknown';
  }
  return { format: 'supercomputer', ts, level, message: line.slice(i, n), service, host, fields };
}

/** The `supercomputer` format. */
export const supercomputer: FormatDef = {
  id: 'supercomputer',
  parse: parseSupercomputer,
  probe: (line, first) => (first === 45 || (first >= 65 && first <= 90)) && first === line.charCodeAt(0),
};
