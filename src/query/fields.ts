/** Where a query's field name lives: a typed column of the events table or a key of `fields`. */
import { columnFor } from '../core/schema.js';
import type { FieldRef } from './ast.js';

const JSON_PREFIX = 'fields.';

/**
 * Resolves a (lexer-validated) field name. `fields.x` always means the JSON key `x`, so keys that
 * share a column's name stay reachable.
 */
export function resolveField(name: string): FieldRef {
  if (name.startsWith(JSON_PREFIX) && name.length > JSON_PREFIX.length) {
    return { name, column: null, key: name.slice(JSON_PREFIX.length) };
  }
  const col = columnFor(name);
  return col ? { name, column: col.type, key: name } : { name, column: null, key: name };
}

/** True when the field holds numbers (a numeric column); JSON fields are judged per value. */
export function isNumericColumn(f: FieldRef): boolean {
  return f.column === 'integer' || f.column === 'bigint' || f.column === 'double';
}
