/**
 * Apache error log, 2.2 and 2.4 layouts:
 *   [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:55002] AH00037: msg
 *   [Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration
 * The stamp has no zone (the default zone applies).
 */
import type { Fields, Level } from '../../core/events.js';
import { normaliseLevel } from '../../core/levels.js';
import { scan, scanCtime } from '../timestamps/index.js';
import type { FormatDef, ParseContext, Parsed } from '../types.js';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * `ip:port` (IPv6 allowed, `[::1]:80` too) into client_ip / client_port. Apache 2.4 always logs
 * the port; 2.2 never does, and there `2001:db8::1:443` is an address, not an address and a port.
 */
function client(fields: Fields, text: string, withPort: boolean): void {
  const colon = text.lastIndexOf(':');
  let ip = text;
  if (colon > 0) {
    const port = text.slice(colon + 1);
    let digitsOnly = port.length > 0 && port.length <= 5;
    for (let k = 0; k < port.length && digitsOnly; k++) digitsOnly = isDigit(port.charCodeAt(k));
    const head = text.slice(0, colon);
    if (digitsOnly && (withPort || head.indexOf(':') < 0 || head.endsWith(']'))) {
      ip = head;
      fields.client_port = Number(port);
    }
  }
  if (ip.charCodeAt(0) === 91 && ip.charCodeAt(ip.length - 1) === 93) ip = ip.slice(1, -1);
  fields.client_ip = ip;
}

/** Parses an Apache error log line. */
export function parseApacheError(line: string, ctx: ParseContext): Parsed | null {
  const n = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
  if (line.charCodeAt(0) !== 91) return null;
  const ts = scanCtime(line, 1, ctx.zone);
  if (Number.isNaN(ts) || line.charCodeAt(scan.end) !== 93) return null;
  let i = scan.end + 1;
  const fields: Fields = {};
  let level: Level | null = null;
  while (line.charCodeAt(i) === 32 && line.charCodeAt(i + 1) === 91) {
    const start = i + 2;
    const close = line.indexOf('] ', start);
    const end = close < 0 ? (line.charCodeAt(n - 1) === 93 ? n - 1 : -1) : close;
    if (end < 0) break;
    const part = line.slice(start, end);
    if (level === null) {
      // `[module:level]` (2.4) or `[level]` (2.2).
      const colon = part.indexOf(':');
      const word = colon >= 0 ? part.slice(colon + 1) : part;
      if (colon > 0) fields.module = part.slice(0, colon);
      level = normaliseLevel(word.startsWith('trace') ? 'trace' : word);
      if (level === 'unknown') return null;
      if (word !== level) fields.level_raw = word;
    } else if (part.startsWith('pid ')) {
      const tid = part.indexOf(':tid ');
      const pid = Number(part.slice(4, tid < 0 ? undefined : tid));
      if (Number.isInteger(pid)) fields.pid = pid;
      if (tid >= 0) {
        const t = Number(part.slice(tid + 5));
        if (Number.isInteger(t)) fields.tid = t;
      }
    } else if (part.startsWith('client ')) {
      client(fields, part.slice(7), fields.module !== undefined || fields.pid !== undefined);
    } else if (part.startsWith('remote ')) {
      client(fields, part.slice(7), fields.module !== undefined || fields.pid !== undefined);
    } else {
      break;
    }
    i = end + 1;
  }
  if (level === null) return null;
  while (line.charCodeAt(i) === 32) i++;
  // `AH00037: ` error codes.
  if (line.charCodeAt(i) === 65 && line.charCodeAt(i + 1) === 72 && line.charCodeAt(i + 7) === 58) {
    let ok = true;
    for (let k = i + 2; k < i + 7 && ok; k++) ok = isDigit(line.charCodeAt(k));
    if (ok) {
      fields.error_code = line.slice(i, i + 7);
      i += 8;
      while (line.charCodeAt(i) === 32) i++;
    }
  }
  return { format: 'apache_error', ts, level, message: line.slice(i, n), service: null, host: null, fields };
}

/** The `apache_error` format. */
export const apacheError: FormatDef = {
  id: 'apache_error',
  parse: parseApacheError,
  probe: (_l, first) => first === 91,
};
