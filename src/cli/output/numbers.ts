/**
 * Numbers as a table shows them: whole numbers as they are; fractions rounded (two decimals, or
 * three significant digits below 1) with one count of decimals per column, so the points line up.
 * Only for display: json, ndjson and csv keep every digit.
 */

/** Decimals a fraction needs to read well: 2 from 1 up, 3 significant digits below (at most 6). */
function decimalsFor(v: number): number {
  if (Number.isInteger(v)) return 0;
  const a = Math.abs(v);
  if (a >= 1) return 2;
  return Math.min(6, 2 - Math.floor(Math.log10(a)));
}

/** A column's numbers as text; null (and anything not a finite number) is empty or as given. */
export function numberCells(values: readonly unknown[]): string[] {
  let decimals = 0;
  for (const v of values)
    if (typeof v === 'number' && Number.isFinite(v)) decimals = Math.max(decimals, decimalsFor(v));
  return values.map((v) => {
    if (typeof v !== 'number') return v === null || v === undefined ? '' : String(v);
    if (!Number.isFinite(v)) return String(v);
    if (decimals === 0 || Math.abs(v) >= 1e21) return String(v);
    return v.toFixed(decimals);
  });
}
