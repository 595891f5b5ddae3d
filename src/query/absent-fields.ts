/**
 * Fields a query groups or aggregates by that no event searched had: `count by day` on events
 * without a `day` gives one row with an empty `day`, which reads as an answer. Read from the
 * result alone (every row empty in that field's column), so it costs no second query; the CLI
 * turns the names into a warning.
 */
import type { ColumnRef, QueryAst } from './ast.js';

/**
 * The event fields (of the `fields` JSON: columns always exist) named by the query's first stage
 * whose column is empty in every row of `rows`. Nothing when a later stage cuts rows (`limit`,
 * `top`), `rows` may be cut at `limit`, or they are a later page (`offset` > 0): an empty group
 * among the rows kept says nothing of the rest.
 */
export function absentFields(
  ast: QueryAst,
  rows: readonly Record<string, unknown>[],
  limit: number,
  offset = 0,
): string[] {
  const [first, ...rest] = ast.stages;
  if (first === undefined || rows.length === 0 || rows.length >= limit || offset > 0) return [];
  if (rest.some((s) => s.type === 'limit' || s.type === 'top')) return [];
  const absent = new Set<string>();
  const check = (ref: ColumnRef | null, column: string, empty: (v: unknown) => boolean): void => {
    if (ref === null || ref.kind !== 'field' || ref.field.column !== null) return;
    if (!(column in rows[0])) return;
    if (rows.every((r) => empty(r[column]))) absent.add(ref.field.name);
  };
  const isNull = (v: unknown) => v === null || v === undefined;
  switch (first.type) {
    case 'stats':
    case 'timechart':
      for (const b of first.by) check(b, b.kind === 'field' ? b.field.name : b.name, isNull);
      for (const a of first.aggs) {
        const none =
          a.fn === 'count' || a.fn === 'distinct' ? (v: unknown) => isNull(v) || Number(v) === 0 : isNull;
        check(a.field, a.name, none);
      }
      break;
    case 'top':
      check(first.field, first.field.kind === 'field' ? first.field.field.name : first.field.name, isNull);
      break;
    case 'fields':
      for (const c of first.columns) check(c, c.kind === 'field' ? c.field.name : c.name, isNull);
      break;
    default:
      break;
  }
  return [...absent];
}
