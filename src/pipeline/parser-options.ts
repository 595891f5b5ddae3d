/** From the `parse` section of the config to the parser's options (zone, user patterns). */
import type { ParserConfig } from '../core/parse-config.js';
import type { ParserOptions } from '../parser/index.js';

/** The parser options every parser in a pipeline shares; format and service are per source. */
export function parserOptions(parse: ParserConfig): ParserOptions {
  return { timezone: parse.timezone, patterns: parse.patterns, grokPatterns: parse.grok_patterns };
}
