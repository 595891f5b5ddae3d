/** Pieces of SQL with the parameters of their `?`s: how the planner builds a statement. */
import type { SqlQuery } from '../../core/storage.js';

export type Param = SqlQuery['params'][number];

/** A piece of SQL with the parameters of its `?`s, in order. */
export interface Frag {
  sql: string;
  params: Param[];
}

/** A fragment of `sql` with `params` for its `?`s. */
export function frag(sql: string, ...params: Param[]): Frag {
  return { sql, params };
}

/** Fragments one after the other. */
export function cat(...parts: Frag[]): Frag {
  return { sql: parts.map((p) => p.sql).join(''), params: parts.flatMap((p) => p.params) };
}

/** `inner` between two pieces of plain SQL. */
export function wrap(open: string, inner: Frag, close: string): Frag {
  return { sql: `${open}${inner.sql}${close}`, params: inner.params };
}

/** Fragments joined by `sep`, the whole between `open` and `close`. */
export function join(parts: Frag[], sep: string, open = '', close = ''): Frag {
  return {
    sql: `${open}${parts.map((p) => p.sql).join(sep)}${close}`,
    params: parts.flatMap((p) => p.params),
  };
}
