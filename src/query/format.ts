/**
 * Query results in the data formats: JSON, NDJSON, CSV (RFC 4180) or the raw lines; and the
 * escaping of control characters the CLI's tables use. Log text is untrusted: a table escapes
 * every control character, so no log line can move the cursor or recolour the terminal.
 */
import type { QueryRows } from '../core/storage.js';

export type OutputFormat = 'table' | 'json' | 'ndjson' | 'csv' | 'raw';

/** Every output format, for flag validation and help text. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'ndjson', 'csv', 'raw'];

/**
 * Renders query results in a data format, every value as stored; the text ends with a newline
 * unless empty. The terminal table (`table`) is the CLI's own (src/cli/output/).
 */
export function formatRows(rows: QueryRows, format: Exclude<OutputFormat, 'table'>): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows.rows, null, 2)}\n`;
    case 'ndjson':
      return rows.rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    case 'csv':
      return formatCsv(rows);
    case 'raw':
      return formatRaw(rows);
  }
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
