/** How a field or a stage's output column reads in SQL: as text, as a number, as a typed value, as sort terms. */
import type { Dialect } from '../../core/dialect.js';
import { FIELDS_COLUMN } from '../../core/schema.js';
import type { FieldRef } from '../ast.js';
import { isNumericColumn } from '../fields.js';

/** A column a stage reads: an event field, or an output column of the previous stage. */
export type Col = { kind: 'field'; field: FieldRef } | { kind: 'output'; name: string };

/** The JSON column holding the fields that have no column of their own. */
export function fieldsCol(d: Dialect): string {
  return d.ident(FIELDS_COLUMN);
}

/** A field as text (for wildcards and regexes). */
export function fieldText(d: Dialect, f: FieldRef): string {
  if (f.column === null) return d.jsonText(fieldsCol(d), f.key);
  if (isNumericColumn(f)) return d.numberText(d.ident(f.key));
  return d.ident(f.key);
}

/** A field as a number (for comparisons and numeric aggregates). */
export function fieldNumber(d: Dialect, f: FieldRef): string {
  return f.column === null ? d.jsonNumber(fieldsCol(d), f.key) : d.ident(f.key);
}

/** A field's value as it should appear in results and group keys (typed). */
export function fieldValue(d: Dialect, f: FieldRef): string {
  return f.column === null ? d.jsonValue(fieldsCol(d), f.key) : d.ident(f.key);
}

/** A column's value as it appears in results and group keys (typed). */
export function colValue(d: Dialect, c: Col): string {
  return c.kind === 'output' ? d.ident(c.name) : fieldValue(d, c.field);
}

/** A column as a number (for numeric aggregates). */
export function numberOf(d: Dialect, c: Col): string {
  return c.kind === 'output' ? d.ident(c.name) : fieldNumber(d, c.field);
}

/** ORDER BY terms for a column; JSON fields sort numbers first (numerically), then text. */
export function sortTerms(d: Dialect, c: Col, desc: boolean): string[] {
  const dir = desc ? 'DESC' : 'ASC';
  if (c.kind === 'output') return [`${d.ident(c.name)} ${dir} NULLS LAST`];
  const f = c.field;
  if (f.column !== null) return [`${d.ident(f.key)} ${dir} NULLS LAST`];
  return [
    `${d.jsonNumber(fieldsCol(d), f.key)} ${dir} NULLS LAST`,
    `${d.jsonText(fieldsCol(d), f.key)} ${dir} NULLS LAST`,
  ];
}
