/**
 * How large a query's SQL may be. The engine cannot be interrupted while it binds and optimises a
 * statement, and the state it keeps per condition while running is outside its memory limit: both
 * grow with the statement. So a plan past these bounds is refused before it reaches the engine
 * (a 62 KB statement of 100 AND'd free-text words took the engine 4 s to plan over a 100k-line
 * store; the 625 KB of 1,000 OR'd words, planned one by one, took 26 s and 1.9 GB).
 */
import { QueryError } from '../../core/errors.js';
import { groupDigits } from '../../core/units.js';
import type { QueryAst } from '../ast.js';
import type { Frag } from './sql-frag.js';

/**
 * Characters of SQL text a query may plan to: about 50 AND'd free-text words, 600 field matches,
 * or any number of OR'd free-text words (searched as one condition).
 */
export const MAX_PLAN_SQL_CHARS = 32 * 1024;

/** Characters of text the parameters of a query may carry (OR'd words repeat in its regexes). */
export const MAX_PLAN_PARAM_CHARS = 1024 * 1024;

/** Throws a QueryError naming the bound a plan is past, if it is past one. */
export function assertPlanSize(ast: QueryAst, plan: Frag): void {
  if (plan.sql.length > MAX_PLAN_SQL_CHARS) {
    throw tooLarge(
      ast,
      `plans to ${count(plan.sql.length)} characters of SQL, over the query SQL limit of ${count(MAX_PLAN_SQL_CHARS)}`,
    );
  }
  let chars = 0;
  for (const p of plan.params) if (typeof p === 'string') chars += p.length;
  if (chars > MAX_PLAN_PARAM_CHARS) {
    throw tooLarge(
      ast,
      `takes ${count(chars)} characters of parameters, over the query parameter limit of ${count(MAX_PLAN_PARAM_CHARS)}`,
    );
  }
}

function tooLarge(ast: QueryAst, what: string): QueryError {
  return new QueryError(`the query is too large: it ${what}; use fewer terms`, ast.text, 0);
}

function count(n: number): string {
  return groupDigits(n);
}
