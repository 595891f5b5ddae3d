/**
 * Events as a table, one line each under a header row. The columns fit the data: requests
 * (access logs and apps that log their requests: every row has a status, a method and a path)
 * show `ts service status method client_ip path`; other events `ts level service message`. A
 * column no row fills is left out, widths come from the rows (capped), and the last column takes
 * what the terminal's width leaves. `logpipe tail` makes the layout from its first batch and
 * keeps it, so later batches line up under it.
 */
import { escapeControls } from '../../query/index.js';
import { codePoints, cut, padLeft, padRight } from './text.js';
import type { OutputView } from './view.js';

type Row = Record<string, unknown>;

interface Column {
  /** The field shown, and the header. */
  name: string;
  width: number;
  right?: boolean;
}

/** The columns and widths of an events table. */
export interface EventLayout {
  columns: Column[];
  /** The last column: `message`, or `path` for requests (a row without a path shows its message). */
  last: string;
  /** A mark column after the time (`?` read time, `^` the previous event's time). */
  marked: boolean;
  timeWidth: number;
}

/** The narrowest the last column gets; past that, the line runs over the terminal's width. */
const MIN_LAST = 10;
const CAPS: Record<string, number> = { service: 20, method: 7, client_ip: 39, level: 5, status: 3 };

function isRequest(r: Row): boolean {
  return r.status != null && r.method != null && r.path != null;
}

/** The layout that fits these rows (the first batch, for a tail) in the view's width. */
export function eventLayout(rows: readonly Row[], view: OutputView): EventLayout {
  const access = rows.length > 0 && rows.every(isRequest);
  const names = access ? ['service', 'status', 'method', 'client_ip'] : ['level', 'service'];
  const columns: Column[] = [];
  for (const name of names) {
    let w = 0;
    for (const r of rows) w = Math.max(w, codePoints(escapeControls(textOf(r[name]))));
    if (w === 0 && name !== 'level') continue;
    columns.push({
      name,
      width: Math.max(name.length, Math.min(CAPS[name] ?? 20, w)),
      right: name === 'status',
    });
  }
  const marked = rows.some((r) => tsMark(r.fields) !== '');
  const sample = rows.length > 0 ? view.times.format(textOf(rows[0].ts)) : null;
  const timeWidth = Math.max(2, codePoints(sample ?? view.times.format('2026-01-02T03:04:05.000000Z') ?? ''));
  const layout: EventLayout = { columns, last: access ? 'path' : 'message', marked, timeWidth };
  fitWidth(layout, view.width);
  return layout;
}

/**
 * Gives the last column MIN_LAST characters of `width`: narrows the client and the service to
 * their headers, then leaves them out, in that order.
 */
function fitWidth(layout: EventLayout, width: number | undefined): void {
  if (width === undefined) return;
  const over = () => headWidth(layout) + MIN_LAST - width;
  for (const name of FLEXIBLE) {
    const c = layout.columns.find((x) => x.name === name);
    if (c && over() > 0) c.width = Math.max(name.length, c.width - over());
  }
  for (const name of FLEXIBLE) {
    if (over() > 0) layout.columns = layout.columns.filter((c) => c.name !== name);
  }
}

/** The columns that give way to the last one on a narrow terminal, first first. */
const FLEXIBLE = ['client_ip', 'service'];

/** Characters before the last column. */
function headWidth(layout: EventLayout): number {
  let n = layout.timeWidth + (layout.marked ? 1 : 0) + 1;
  for (const c of layout.columns) n += c.width + 1;
  return n;
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
const BOLD = '\x1b[1m';

function statusColor(s: unknown): string | undefined {
  if (typeof s !== 'number') return undefined;
  if (s >= 500) return '\x1b[31m';
  if (s >= 400) return '\x1b[33m';
  return undefined;
}

/** The header line of a layout. */
export function eventHeader(layout: EventLayout, view: OutputView): string {
  const cells = [padRight('ts', layout.timeWidth + (layout.marked ? 1 : 0))];
  for (const c of layout.columns) cells.push(c.right ? padLeft(c.name, c.width) : padRight(c.name, c.width));
  cells.push(layout.last);
  const line = cells.join(' ');
  return view.color ? `${BOLD}${line}${RESET}\n` : `${line}\n`;
}

/** The rows' lines under a layout (no header). */
export function eventLines(rows: readonly Row[], layout: EventLayout, view: OutputView): string {
  const lastWidth = view.width === undefined ? undefined : Math.max(MIN_LAST, view.width - headWidth(layout));
  let out = '';
  for (const r of rows) {
    const tsText = textOf(r.ts);
    let line = padRight(view.times.format(tsText) ?? escapeControls(tsText), layout.timeWidth);
    if (layout.marked) line += tsMark(r.fields) || ' ';
    for (const c of layout.columns) {
      const text = escapeControls(textOf(r[c.name]));
      const cell = c.right ? padLeft(text, c.width) : padRight(text, c.width);
      const colour = !view.color
        ? undefined
        : c.name === 'level'
          ? LEVEL_COLOR[text]
          : c.name === 'status'
            ? statusColor(r.status)
            : undefined;
      line += ` ${colour ? `${colour}${cell}${RESET}` : cell}`;
    }
    let last = escapeControls(textOf(r[layout.last] ?? (layout.last === 'path' ? r.message : null)));
    if (lastWidth !== undefined) last = cut(last, lastWidth);
    out += `${`${line} ${last}`.trimEnd()}\n`;
  }
  return out;
}

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

/** A value as plain text: null is empty, objects are JSON. */
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
