/**
 * Query results as text: a terminal table (events one per line, aggregates as aligned columns),
 * JSON, NDJSON, CSV (RFC 4180) or the raw lines. Log text is untrusted: the table escapes every
 * control character, so no log line can move the cursor or recolour the terminal.
 */
import type { QueryRows } from '../core/storage.js';

export type OutputFormat = 'table' | 'json' | 'ndjson' | 'csv' | 'raw';

/** Every output format, for flag validation and help text. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'ndjson', 'csv', 'raw'];

export interface FormatOptions {
  /** Colour levels with ANSI escapes (only ever our own escapes). */
  color: boolean;
  /** Terminal width: event messages and the last table column are cut to fit. */
  width?: number;
}

/** Renders query results in the given format; the text ends with a newline unless empty. */
export function formatRows(rows: QueryRows, format: OutputFormat, opts: FormatOptions): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows.rows, null, 2)}\n`;
    case 'ndjson':
      return rows.rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    case 'csv':
      return formatCsv(rows);
    case 'raw':
      return formatRaw(rows);
    case 'table':
      return isEvents(rows) ? formatEvents(rows, opts) : formatTable(rows, opts);
  }
}

/** Rows that look like stored events get the one-line-per-event layout. */
function isEvents(rows: QueryRows): boolean {
  const c = rows.columns;
  return c.includes('ts') && c.includes('level') && c.includes('message');
}

const LEVEL_COLOR: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[1;35m',
};
const RESET = '\x1b[0m';
const MAX_SERVICE_WIDTH = 20;

/**
 * The mark after the time of an event that has no time of its own (fields.ts_source, set by the
 * parser): `?` the time it was read, `^` the time of the event before it in its file.
 */
const TS_SOURCE_MARK: Record<string, string> = { received: '?', previous: '^' };

/** The mark for an event's `fields` (an object, or its JSON text), or '' for an event with its own time. */
function tsMark(fields: unknown): string {
  let f = fields;
  if (typeof f === 'string') {
    if (!f.includes('"ts_source"')) return '';
    try {
      f = JSON.parse(f);
    } catch {
      return '';
    }
  }
  if (f === null || typeof f !== 'object') return '';
  const v = (f as Record<string, unknown>).ts_source;
  return typeof v === 'string' ? (TS_SOURCE_MARK[v] ?? '') : '';
}

function formatEvents(rows: QueryRows, opts: FormatOptions): string {
  // A column of marks only when some event needs one, so the usual output stays as it was.
  const marks = rows.rows.map((r) => tsMark(r.fields));
  const marked = marks.some((m) => m !== '');
  let serviceWidth = 0;
  const services = rows.rows.map((r) => {
    const s = escapeControls(textOf(r.service));
    serviceWidth = Math.max(serviceWidth, Math.min(MAX_SERVICE_WIDTH, codePoints(s)));
    return s;
  });
  let out = '';
  for (let i = 0; i < rows.rows.length; i++) {
    const r = rows.rows[i];
    const time = marked ? shortTime(textOf(r.ts)) + (marks[i] || ' ') : shortTime(textOf(r.ts));
    const levelText = escapeControls(textOf(r.level));
    const level = cut(levelText, 5).padEnd(5);
    const service = cut(services[i], serviceWidth).padEnd(serviceWidth);
    const head = serviceWidth > 0 ? `${time} ${level} ${service} ` : `${time} ${level} `;
    let message = escapeControls(textOf(r.message));
    if (opts.width !== undefined) message = cut(message, Math.max(1, opts.width - codePoints(head)));
    const colour = opts.color ? LEVEL_COLOR[levelText] : undefined;
    const shownLevel = colour ? `${colour}${level}${RESET}` : level;
    out += `${time} ${shownLevel} ${serviceWidth > 0 ? `${service} ` : ''}${message}\n`;
  }
  return out;
}

/** `2026-01-02T03:04:05.123456Z` → `2026-01-02 03:04:05.123` (milliseconds are enough to read). */
function shortTime(iso: string): string {
  if (iso.length >= 23 && iso[10] === 'T') return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  return escapeControls(iso);
}

function formatTable(rows: QueryRows, opts: FormatOptions): string {
  const cols = rows.columns;
  if (cols.length === 0) return '';
  const cells = rows.rows.map((r) => cols.map((c) => escapeControls(textOf(r[c]))));
  const numeric = cols.map(
    (c) => rows.rows.length > 0 && rows.rows.every((r) => r[c] === null || typeof r[c] === 'number'),
  );
  const widths = cols.map((c, j) =>
    Math.max(codePoints(escapeControls(c)), ...cells.map((row) => codePoints(row[j]))),
  );
  if (opts.width !== undefined && cols.length > 0) {
    const before = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
    widths[widths.length - 1] = Math.max(8, Math.min(widths[widths.length - 1], opts.width - before));
  }
  const line = (values: string[], header: boolean) =>
    values
      .map((v, j) => {
        const text = cut(v, widths[j]);
        const padded = numeric[j] && !header ? text.padStart(widths[j]) : text.padEnd(widths[j]);
        return j === values.length - 1 && !(numeric[j] && !header) ? text : padded;
      })
      .join('  ')
      .trimEnd();
  const header = line(cols.map(escapeControls), true);
  let out = `${header}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`;
  for (const row of cells) out += `${line(row, false)}\n`;
  return out;
}

function formatCsv(rows: QueryRows): string {
  const lines = [rows.columns.map(csvField).join(',')];
  for (const r of rows.rows) lines.push(rows.columns.map((c) => csvField(textOf(r[c]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 4180: quote a field holding a comma, a quote or a line break; double the quotes inside. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The original lines as stored (like `cat`); rows without a line print their values tab-separated. */
function formatRaw(rows: QueryRows): string {
  let out = '';
  for (const r of rows.rows) {
    if (typeof r.raw === 'string') out += `${r.raw}\n`;
    else if (typeof r.message === 'string') out += `${r.message}\n`;
    else out += `${rows.columns.map((c) => textOf(r[c])).join('\t')}\n`;
  }
  return out;
}

/** A value as plain text: null is empty, objects are JSON. */
function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Replaces C0/C1 control characters, DEL, line/paragraph separators and bidi overrides with
 * visible escapes (`\n`, `\t`, `\x1B`, `\u202E`).
 */
export function escapeControls(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isControl(c)) continue;
    out += s.slice(from, i) + escapeOne(c);
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

function isControl(c: number): boolean {
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

function escapeOne(c: number): string {
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c === 0x09) return '\\t';
  if (c < 0x100) return `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
  return `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Cuts `s` to at most `width` code points, marking the cut with `…`. */
function cut(s: string, width: number): string {
  if (codePoints(s) <= width) return s;
  const chars = Array.from(s);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
