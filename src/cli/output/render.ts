/**
 * A query's answer as the command prints it: `table` through this folder's layouts (events or
 * aggregate columns, in the view's zone and width), the data formats (json, ndjson, csv, raw)
 * through the query component, every digit and time kept as stored.
 */
import type { QueryRows } from '../../core/storage.js';
import { formatRows, type OutputFormat } from '../../query/index.js';
import { eventHeader, eventLayout, eventLines } from './event-table.js';
import { renderTable, type TableOptions } from './table.js';
import { grouped } from './text.js';
import type { OutputView } from './view.js';

/** Rows that look like stored events get the events table. */
export function isEvents(rows: QueryRows): boolean {
  const c = rows.columns;
  return c.includes('ts') && c.includes('level') && c.includes('message');
}

/** The text of `rows` in `format`; ends with a newline unless empty. */
export function renderRows(
  rows: QueryRows,
  format: OutputFormat,
  view: OutputView,
  opts: TableOptions = {},
): string {
  if (format !== 'table') return formatRows(rows, format);
  if (!isEvents(rows)) return renderTable(rows, view, opts);
  if (rows.rows.length === 0) return '';
  const layout = eventLayout(rows.rows, view);
  return eventHeader(layout, view) + eventLines(rows.rows, layout, view);
}

/**
 * The line under a cut table, or null when the page holds every row: `showing 100 of 12,345
 * events; more with --limit or --offset 100`. `total` null means counting gave up (too slow).
 */
export function pageNote(
  shown: number,
  offset: number,
  total: number | null | undefined,
  what: 'events' | 'rows',
): string | null {
  if (total === undefined) return null;
  const range =
    offset > 0 && shown > 0 ? `${grouped(offset + 1)}–${grouped(offset + shown)}` : grouped(shown);
  const next = `--offset ${offset + shown}`;
  if (shown === 0 && offset > 0) {
    return total === null
      ? `nothing past the first ${grouped(offset)} ${what}`
      : `nothing past the first ${grouped(offset)} ${what}: ${grouped(total)} in all`;
  }
  if (total === null)
    return `showing ${range} ${what}; more may match (too many to count quickly): see them with --limit or ${next}`;
  if (total <= offset + shown && offset === 0) return null;
  if (total <= offset + shown) return `showing ${range} of ${grouped(total)} ${what}`;
  return `showing ${range} of ${grouped(total)} ${what}; see more with --limit or ${next}`;
}
