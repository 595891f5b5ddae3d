/** Reading event rows as the API gives them: a column, else a key of the `fields` bag. */

export type Row = Record<string, unknown>;

/** The row's `fields` bag as an object (an engine may give it as JSON text). */
export function fieldsOf(row: Row): Record<string, unknown> {
  const f = row.fields;
  if (f && typeof f === 'object') return f as Record<string, unknown>;
  if (typeof f === 'string' && f.startsWith('{')) {
    try {
      const parsed = JSON.parse(f) as Record<string, unknown>;
      row.fields = parsed;
      return parsed;
    } catch {}
  }
  return {};
}

/** The value of a column or field of an event. */
export function fieldValue(row: Row, name: string): unknown {
  const v = row[name];
  if (v !== undefined && v !== null) return v;
  const key = name.startsWith('fields.') ? name.slice(7) : name;
  return fieldsOf(row)[key];
}

/** A value as one line of text; long text cut at `max` characters. */
export function cellText(v: unknown, max = 2000): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * The key of a row of a list page (`max_value_bytes`) naming the values the server cut: columns
 * (`raw`) and keys of `fields` (`fields.payload`). Absent when nothing was cut.
 */
export const TRUNCATED_KEY = '_truncated';

/** The values of `row` the server cut for the list, as TRUNCATED_KEY names them. */
export function cutPaths(row: Row): readonly string[] {
  const t = row[TRUNCATED_KEY];
  return Array.isArray(t) ? (t as string[]) : [];
}

/** Whether the value a column shows (a column, else a key of `fields`) was cut for the list. */
export function isCut(row: Row, name: string): boolean {
  const cut = cutPaths(row);
  if (cut.length === 0) return false;
  const v = row[name];
  if (v !== undefined && v !== null) return cut.includes(name);
  return cut.includes(name.startsWith('fields.') ? name : `fields.${name}`);
}

/** One value of an event as its expanded view lists it: `path` is `fields.<key>` for a key of `fields`. */
export interface EventValue {
  name: string;
  path: string;
  value: unknown;
}

/** Every column and field of an event, for the expanded view, `fields` flattened in. */
export function allFields(row: Row): EventValue[] {
  const out: EventValue[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (k === 'fields' || k === 'raw' || k === TRUNCATED_KEY || v === null || v === undefined) continue;
    out.push({ name: k, path: k, value: v });
  }
  for (const [k, v] of Object.entries(fieldsOf(row))) out.push({ name: k, path: `fields.${k}`, value: v });
  return out;
}

/** The value at `path` (as EventValue has it) of an event. */
export function valueAt(row: Row, path: string): unknown {
  return path.startsWith('fields.') ? fieldsOf(row)[path.slice(7)] : row[path];
}

/** An event as its copy button gives it: without the list's marks. */
export function eventJson(row: Row): string {
  const { [TRUNCATED_KEY]: _, ...event } = row;
  return JSON.stringify(event, null, 2);
}
