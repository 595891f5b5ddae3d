/**
 * The query component's contract: parse the query language, plan it into parameterised SQL,
 * format results. The CLI, the HTTP server and live tail import only from here.
 */
import type { QueryAst } from './ast.js';
import { parse } from './parser.js';

export { absentFields } from './absent-fields.js';
export type {
  AggFn,
  Aggregate,
  ColumnRef,
  CompareOp,
  Expr,
  FieldRef,
  QueryAst,
  SortKey,
  Stage,
} from './ast.js';
export { evaluateQuery, eventMatcher } from './evaluate.js';
export { resolveField } from './fields.js';
export {
  escapeControls,
  formatRows,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './format.js';
export {
  AGGREGATES,
  CORE_FIELDS,
  type CoreField,
  OPERATORS,
  PIPES,
  type PipeName,
  type SyntaxEntry,
} from './language.js';
export { isFieldName } from './lexer.js';
export { type EventIdentity, planContext } from './plan/context.js';
export { CUT_COLUMNS } from './plan/cut-values.js';
export {
  DEFAULT_EVENT_LIMIT,
  DEFAULT_TABLE_LIMIT,
  EVENT_IDENTITY_COLUMNS,
  EVENT_RESULT_COLUMNS,
  type PlanOptions,
  planQuery,
  type QueryPlan,
} from './planner.js';

/** Parses query text into an AST; throws QueryError (with the position) when it does not parse. */
export function parseQuery(text: string): QueryAst {
  return parse(text);
}
