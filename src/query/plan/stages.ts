/**
 * Pipe stages → SQL: each stage turns the relation before it into a new one (`limit`, `sort`,
 * `fields` narrow or reorder it; `stats`, `timechart` and `top` aggregate it with a GROUP BY).
 */
import type { Dialect } from '../../core/dialect.js';
import type { Aggregate, Stage } from '../ast.js';
import { type Col, colValue, numberOf, sortTerms } from './columns.js';
import { type GroupKey, groupKeys } from './group-keys.js';
import { countedPercentiles, countsSelect } from './percentiles.js';
import type { PlanOptions } from './plan-types.js';
import { type Relation, refName, resolveCol, rewrap, sourceOf } from './relation.js';
import { cat, type Frag, frag } from './sql-frag.js';

type Percentiles = NonNullable<PlanOptions['percentiles']>;

/** The relation after stage `s` reads `rel`. */
export function applyStage(d: Dialect, rel: Relation, s: Stage, percentiles: Percentiles): Relation {
  switch (s.type) {
    case 'limit':
      return { ...rel, limit: rel.limit === null ? s.n : Math.min(rel.limit, s.n) };
    case 'sort': {
      const base = rel.limit === null ? rel : rewrap(d, rel);
      const keys = s.keys.flatMap((k) => sortTerms(d, resolveCol(base, k.column), k.desc));
      return { ...base, order: [...keys, ...base.order] };
    }
    case 'fields': {
      const projection = s.columns.map((c) => ({ name: refName(c), col: resolveCol(rel, c) }));
      return { ...rel, projection };
    }
    case 'stats':
    case 'timechart': {
      const src = sourceOf(d, rel);
      const keys = groupKeys(d, rel, s);
      const counted = percentiles === 'sort' ? null : countedPercentiles(d, rel, s);
      const select = counted
        ? countsSelect(d, src, keys, counted, s.aggs, percentiles === 'auto')
        : groupSelect(d, rel, src, keys, s.aggs);
      const outNames = keys.map((k) => k.name);
      const order = outNames.map((n) => `${d.ident(n)} ASC NULLS LAST`);
      return { kind: 'table', select, order, limit: null, aggregated: true, projection: null };
    }
    case 'top': {
      const src = sourceOf(d, rel);
      const v = colValue(d, resolveCol(rel, s.field));
      const name = d.ident(refName(s.field));
      const notNull = frag(`${src.where.sql ? ' AND' : ' WHERE'} ${v} IS NOT NULL`);
      const select = cat(
        frag(`SELECT ${v} AS ${name}, count(*) AS ${d.ident('count')} FROM `),
        src.from,
        src.where,
        notNull,
        frag(` GROUP BY ${v}`),
      );
      const order = [`${d.ident('count')} DESC`, `${name} ASC NULLS LAST`];
      return { kind: 'table', select, order, limit: s.n, aggregated: true, projection: null };
    }
  }
}

/** One GROUP BY computing every aggregate. */
function groupSelect(
  d: Dialect,
  rel: Relation,
  src: { from: Frag; where: Frag },
  keys: GroupKey[],
  aggs: Aggregate[],
): Frag {
  const cols = keys.map((k) => `${k.output(k.sql)} AS ${d.ident(k.name)}`);
  for (const a of aggs) {
    const arg = a.field === null ? null : resolveCol(rel, a.field);
    cols.push(`${aggregateSql(d, a, arg)} AS ${d.ident(a.name)}`);
  }
  const groupBy = keys.length > 0 ? ` GROUP BY ${keys.map((k) => k.sql).join(', ')}` : '';
  return cat(frag(`SELECT ${cols.join(', ')} FROM `), src.from, src.where, frag(groupBy));
}

function aggregateSql(d: Dialect, a: Aggregate, c: Col | null): string {
  if (c === null) return 'count(*)';
  const value = colValue(d, c);
  const number = numberOf(d, c);
  switch (a.fn) {
    case 'count':
      return `count(${value})`;
    case 'distinct':
      return d.countDistinct(value);
    case 'sum':
      return `sum(${number})`;
    case 'avg':
      return `avg(${number})`;
    case 'min':
    case 'max':
      return `${a.fn}(${c.kind === 'field' && c.field.column === null ? number : value})`;
    case 'percentile':
      return d.quantile(number, a.quantile!);
  }
}
