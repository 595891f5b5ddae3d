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

/** Every column and field of an event, for the expanded view, `fields` flattened in. */
export function allFields(row: Row): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(row)) {
    if (k === 'fields' || k === 'raw' || v === null || v === undefined) continue;
    out.push([k, v]);
  }
  for (const [k, v] of Object.entries(fieldsOf(row))) out.push([k, v]);
  return out;
}
