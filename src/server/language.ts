/**
 * GET /api/language: the query language's pipe commands, search operators, aggregates and core
 * fields, from the query package's own tables (query/language.ts, which the parser's commands
 * come from), for autocomplete and help.
 */
import {
  AGGREGATES,
  CORE_FIELDS,
  type CoreField,
  OPERATORS,
  PIPES,
  type SyntaxEntry,
} from '../query/index.js';

export interface LanguageResponse {
  pipes: SyntaxEntry[];
  operators: SyntaxEntry[];
  aggregates: SyntaxEntry[];
  fields: CoreField[];
}

/** The answer: the same for every request. */
export function languageReference(): LanguageResponse {
  return {
    pipes: [...PIPES],
    operators: [...OPERATORS],
    aggregates: [...AGGREGATES],
    fields: [...CORE_FIELDS],
  };
}
