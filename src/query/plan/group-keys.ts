/**
 * The group keys of an aggregating stage: for `timechart` the time bucket first (the dialect's
 * bucket number, turned into the bucket's start only per group), then the `by` columns.
 */
import type { Dialect } from '../../core/dialect.js';
import type { Stage } from '../ast.js';
import { colValue } from './columns.js';
import { type Relation, refName, resolveCol } from './relation.js';

/** A group key of an aggregating stage: what it groups by, and what its output column shows. */
export interface GroupKey {
  name: string;
  sql: string;
  /** The output value from the key's value (a time bucket's start from its number). */
  output(key: string): string;
}

/** The group keys of a stats or timechart stage: the time bucket first, then the `by` columns. */
export function groupKeys(
  d: Dialect,
  rel: Relation,
  s: Extract<Stage, { type: 'stats' | 'timechart' }>,
): GroupKey[] {
  const keys: GroupKey[] = [];
  if (s.type === 'timechart') {
    const iv = s.intervalUs;
    keys.push({
      name: 'time',
      sql: d.timeBucketKey(d.ident('ts'), iv),
      output: (k) => d.timeBucketStart(k, iv),
    });
  }
  for (const b of s.by)
    keys.push({ name: refName(b), sql: colValue(d, resolveCol(rel, b)), output: (k) => k });
  return keys;
}
