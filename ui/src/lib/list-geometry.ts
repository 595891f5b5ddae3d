/**
 * Where rows sit in the virtual result list: rows of one height, and at most one of them open,
 * followed by its detail of a measured height. Every answer is arithmetic on those three
 * numbers (no table of row heights), so 100,000 rows cost the same as 100.
 */

export interface ListGeometry {
  rowHeight: number;
  /** The open row's index, -1 when none is open. */
  open: number;
  /** The open row's detail, in px (0 until measured). */
  openHeight: number;
}

/** The y of row `i`'s top: rows after the open one sit below its detail. */
export function rowTop(g: ListGeometry, i: number): number {
  return i * g.rowHeight + (g.open >= 0 && i > g.open ? g.openHeight : 0);
}

/** The y of the open row's detail (right under the row). */
export function detailTop(g: ListGeometry): number {
  return (g.open + 1) * g.rowHeight;
}

/** The height of `n` rows and the open row's detail. */
export function listHeight(g: ListGeometry, n: number): number {
  return n * g.rowHeight + (g.open >= 0 && g.open < n ? g.openHeight : 0);
}

/** The row at `y`; a y inside the detail counts as the open row. */
export function rowAt(g: ListGeometry, y: number): number {
  const at = Math.max(0, y);
  if (g.open < 0 || at < detailTop(g)) return Math.floor(at / g.rowHeight);
  if (at < detailTop(g) + g.openHeight) return g.open;
  return Math.floor((at - g.openHeight) / g.rowHeight);
}

/**
 * The rows to put in the page for a view of `height` px scrolled to `top`: those in view and
 * `overscan` either side, as [first, last).
 */
export function rowsInView(
  g: ListGeometry,
  n: number,
  top: number,
  height: number,
  overscan: number,
): { first: number; last: number } {
  const first = Math.max(0, rowAt(g, top) - overscan);
  const last = Math.min(n, rowAt(g, top + height) + 1 + overscan);
  return { first, last: Math.max(first, last) };
}

/**
 * The scrollTop that brings a row (and `below` px under it, its detail when open) into a view of
 * `height` px now at `scrollTop`: unchanged when it is in view; else the least move, the row's
 * top kept in view when both do not fit.
 */
export function revealTop(y: number, span: number, scrollTop: number, height: number): number {
  if (y < scrollTop) return y;
  if (y + span > scrollTop + height) return Math.min(y, y + span - height);
  return scrollTop;
}
