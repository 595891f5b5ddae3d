/**
 * Aggregate rows as aligned columns under a header: numbers to the right and rounded for reading
 * (numbers.ts), stored times in the command's zone with only the precision the column uses (a
 * `timechart` of 5m buckets shows `04:35`, not `04:35:00.000`), the last column cut to the
 * terminal. On a terminal, a `timechart` also draws a bar per row beside its first aggregate.
 */
import type { QueryRows } from '../../core/storage.js';
import { escapeControls } from '../../query/index.js';
import { bar, MAX_BAR_WIDTH, MIN_BAR_WIDTH } from './bars.js';
import { textOf } from './event-table.js';
import { numberCells } from './numbers.js';
import { codePoints, cut, padLeft, padRight } from './text.js';
import { isStoredTime, type TimePrecision } from './times.js';
import type { OutputView } from './view.js';

export interface TableOptions {
  /** A numeric column to draw bars for (on a terminal only). */
  chart?: string;
}

/** The text of an aggregate table (empty for no columns). */
export function renderTable(rows: QueryRows, view: OutputView, opts: TableOptions = {}): string {
  const cols = rows.columns;
  if (cols.length === 0) return '';
  const numeric = cols.map(
    (c) => rows.rows.length > 0 && rows.rows.every((r) => r[c] === null || typeof r[c] === 'number'),
  );
  const byColumn = cols.map((c, j) =>
    columnCells(
      rows.rows.map((r) => r[c]),
      numeric[j],
      view,
    ),
  );
  const cells = rows.rows.map((_, i) => byColumn.map((col) => col[i]));
  const widths = cols.map((c, j) =>
    Math.max(codePoints(escapeControls(c)), ...byColumn[j].map((v) => codePoints(v))),
  );
  const chart = opts.chart !== undefined && view.tty ? cols.indexOf(opts.chart) : -1;
  const drawBars = chart >= 0 && numeric[chart];
  if (view.width !== undefined && !drawBars) {
    const before = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
    widths[widths.length - 1] = Math.max(8, Math.min(widths[widths.length - 1], view.width - before));
  }
  const line = (values: string[], header: boolean) =>
    values
      .map((v, j) => {
        if (numeric[j] && !header) return padLeft(v, widths[j]);
        return j === values.length - 1 && !drawBars ? cut(v, widths[j]) : padRight(v, widths[j]);
      })
      .join('  ');
  let barWidth = 0;
  let max = 0;
  if (drawBars) {
    const tableWidth = widths.reduce((a, w) => a + w + 2, 0);
    barWidth = Math.min(MAX_BAR_WIDTH, Math.max(MIN_BAR_WIDTH, (view.width ?? 80) - tableWidth - 1));
    for (const r of rows.rows)
      if (typeof r[cols[chart]] === 'number') max = Math.max(max, r[cols[chart]] as number);
  }
  let out = `${line(cols.map(escapeControls), true).trimEnd()}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`;
  for (let i = 0; i < cells.length; i++) {
    let text = line(cells[i], false);
    if (drawBars) text += `  ${bar(rows.rows[i][cols[chart]] as number, max, barWidth)}`;
    out += `${text.trimEnd()}\n`;
  }
  return out;
}

/** One column's cells: rounded numbers, times in the view's zone, or escaped text. */
function columnCells(values: unknown[], numeric: boolean, view: OutputView): string[] {
  if (numeric) return numberCells(values);
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every(isStoredTime)) {
    const p = precisionOf(present as string[]);
    return values.map((v) => (isStoredTime(v) ? (view.times.format(v, p) ?? v) : ''));
  }
  return values.map((v) => escapeControls(textOf(v)));
}

/** The least precision that shows every time exactly (to the millisecond). */
function precisionOf(times: string[]): TimePrecision {
  let p: TimePrecision = 'min';
  for (const t of times) {
    const frac = t.slice(20, -1);
    if (/[1-9]/.test(frac.slice(0, 3))) return 'ms';
    if (t.slice(17, 19) !== '00') p = 's';
  }
  return p;
}
