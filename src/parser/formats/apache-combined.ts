/**
 * Apache / nginx access lines, combined and common layouts, in one pass over the line:
 *   127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://r/" "UA"
 * Plain indexOf/charCodeAt scanning: this is the hottest parser, and a regex over the quoted
 * parts backtracks badly on hostile lines. Anything after the user agent is ignored (raw keeps it).
 */
import { isMethod, scanHttpDate } from '../../core/access-line.js';
import type { Zone } from '../../core/civil-time.js';
import type { Fields } from '../../core/events.js';
import { levelFromHttpStatus } from '../../core/levels.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

// Consecutive lines share their second, so the last stamp text and its value are kept.
let lastStamp = '';
let lastZone: Zone | null = null;
let lastUs = Number.NaN;

function stampMicros(line: string, start: number, end: number, zone: Zone): number {
  const text = line.slice(start, end);
  if (text === lastStamp && zone === lastZone) return lastUs;
  const us = scanHttpDate(text, 0, zone);
  lastStamp = text;
  lastZone = zone;
  lastUs = us;
  return us;
}

/** Index of the closing `"` of a quoted value opening before `i`, skipping `\"` and `\\`; -1 if none. */
export function closingQuote(line: string, i: number): number {
  let k = i;
  for (;;) {
    const q = line.indexOf('"', k);
    if (q < 0) return -1;
    // Count the backslashes right before the quote: an odd number escapes it.
    let b = q - 1;
    while (b >= i && line.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    k = q + 1;
  }
}

/** The text of a quoted value with Apache's `\"` and `\\` escapes undone (`\xhh` kept as is). */
export function unquote(line: string, start: number, end: number): string {
  const bs = line.indexOf('\\', start);
  if (bs < 0 || bs >= end) return line.slice(start, end);
  let out = '';
  let from = start;
  for (let k = bs; k < end; k++) {
    if (line.charCodeAt(k) !== 92) continue;
    const n = line.charCodeAt(k + 1);
    if (n === 34 || n === 92) {
      out += line.slice(from, k);
      from = k + 1;
      k++;
    }
  }
  return out + line.slice(from, end);
}

/** Fills method/path/protocol from the request text, or `request` when it is not a request line. */
function splitRequest(fields: Fields, req: string): void {
  const sp1 = req.indexOf(' ');
  if (sp1 > 0 && isMethod(req, 0, sp1)) {
    const sp2 = req.lastIndexOf(' ');
    fields.method = req.slice(0, sp1);
    if (sp2 > sp1) {
      fields.path = req.slice(sp1 + 1, sp2);
      fields.protocol = req.slice(sp2 + 1);
    } else {
      fields.path = req.slice(sp1 + 1);
    }
    return;
  }
  if (req !== '-' && req !== '') fields.request = req;
}

/**
 * Scans an access line; `combinedId`/`commonId` name the format reported for lines with and without
 * the referrer and user agent. Returns null when the line is not an access line.
 */
export function scanAccess(
  line: string,
  ctx: ParseContext,
  combinedId: string,
  commonId: string,
): Parsed | null {
  const sp1 = line.indexOf(' ');
  if (sp1 <= 0) return null;
  const sp2 = line.indexOf(' ', sp1 + 1);
  if (sp2 < 0) return null;
  const br = line.indexOf(' [', sp2 + 1);
  if (br < 0) return null;
  const close = line.indexOf(']', br + 2);
  if (close < 0 || line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34) return null;
  const ts = stampMicros(line, br + 2, close, ctx.zone);
  if (Number.isNaN(ts)) return null;
  const reqStart = close + 3;
  const reqEnd = closingQuote(line, reqStart);
  if (reqEnd < 0 || line.charCodeAt(reqEnd + 1) !== 32) return null;
  // Status: three digits.
  let k = reqEnd + 2;
  const s0 = line.charCodeAt(k) - 48;
  const s1 = line.charCodeAt(k + 1) - 48;
  const s2 = line.charCodeAt(k + 2) - 48;
  if (s0 < 1 || s0 > 9 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9) return null;
  const status = s0 * 100 + s1 * 10 + s2;
  k += 3;
  if (line.charCodeAt(k) !== 32) return null;
  k++;
  // Bytes: digits or `-`.
  const bStart = k;
  // A CR left over from CRLF input ends the line too.
  const end = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  let bytes = -1;
  if (line.charCodeAt(k) === 45) {
    k++;
  } else {
    let v = 0;
    for (; k < end; k++) {
      const c = line.charCodeAt(k) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (k === bStart) return null;
    bytes = v;
  }
  const after = line.charCodeAt(k);
  if (k < end && after !== 32) return null;

  const fields: Fields = { client_ip: line.slice(0, sp1) };
  if (sp2 - sp1 !== 2 || line.charCodeAt(sp1 + 1) !== 45) fields.ident = line.slice(sp1 + 1, sp2);
  if (br - sp2 !== 2 || line.charCodeAt(sp2 + 1) !== 45) fields.user = line.slice(sp2 + 1, br);
  const req = unquote(line, reqStart, reqEnd);
  splitRequest(fields, req);
  fields.status = status;
  if (bytes >= 0) fields.bytes = bytes;

  let format = commonId;
  // Combined: ` "referrer" "user agent"`; a line cut short keeps what is there.
  if (after === 32 && line.charCodeAt(k + 1) === 34) {
    format = combinedId;
    const rStart = k + 2;
    let rEnd = closingQuote(line, rStart);
    if (rEnd < 0) rEnd = end;
    if (rEnd - rStart !== 1 || line.charCodeAt(rStart) !== 45) {
      if (rEnd > rStart) fields.referrer = unquote(line, rStart, rEnd);
    }
    if (line.charCodeAt(rEnd + 1) === 32 && line.charCodeAt(rEnd + 2) === 34) {
      const aStart = rEnd + 3;
      let aEnd = closingQuote(line, aStart);
      if (aEnd < 0) aEnd = end;
      if (aEnd - aStart !== 1 || line.charCodeAt(aStart) !== 45) {
        if (aEnd > aStart) fields.user_agent = unquote(line, aStart, aEnd);
      }
    }
  }
  return {
    format,
    ts,
    level: levelFromHttpStatus(status),
    message: req,
    service: null,
    host: null,
    fields,
  };
}

const APACHE_IDS = { combined: 'apache_combined', common: 'apache_common' };

/** Parses an Apache combined or common access line. */
export function parseApacheCombined(line: string, ctx: ParseContext): Parsed | null {
  return scanAccess(line, ctx, APACHE_IDS.combined, APACHE_IDS.common);
}

/** The `apache_combined` format (common lines are accepted and reported as `apache_common`). */
export const apacheCombined: FormatDef = {
  id: 'apache_combined',
  parse: parseApacheCombined,
  access: APACHE_IDS,
  // An access line starts with a client address or host name.
  probe: (_line, first) =>
    (first >= 48 && first <= 57) || ((first | 0x20) >= 97 && (first | 0x20) <= 122) || first === 58,
};
