/**
 * The query language described as data: its pipe commands, search operators and aggregates,
 * each with its syntax, a line of help and an example that parses. The parser names its pipe
 * commands from PIPES, and the tests parse every example, so help and autocomplete built on
 * these tables (the HTTP API's /api/language) say what the parser accepts.
 */
import { EVENT_COLUMNS, PROMOTED_FIELDS } from '../core/schema.js';

export interface SyntaxEntry {
  /** The command, operator or function as typed. */
  name: string;
  /** Its form, with optional parts in [ ] and repeats as `, …`. */
  syntax: string;
  doc: string;
  /** A whole query using it. */
  example: string;
}

/** The pipe commands: the parser has a stage parser for each name (parser.ts), and only these. */
export type PipeName = 'count' | 'stats' | 'timechart' | 'top' | 'sort' | 'limit' | 'fields';

const PIPE_TABLE: Record<PipeName, Omit<SyntaxEntry, 'name'>> = {
  count: {
    syntax: 'count [as name] [by field, …]',
    doc: 'One row per group with the number of events in it (one row without by).',
    example: 'status>=500 | count by path',
  },
  stats: {
    syntax: 'stats agg [as name], … [by field, …]',
    doc: 'One row per group with each aggregate: count, count(f), sum, avg, min, max, distinct, pNN.',
    example: '* | stats avg(latency_ms), p99(latency_ms) as slow by service',
  },
  timechart: {
    syntax: 'timechart interval agg, … [by field]',
    doc: 'Aggregates per time bucket (interval like 1m, 5m, 1h); output column time first. Empty buckets are not listed.',
    example: '* | timechart 5m count by level',
  },
  top: {
    syntax: 'top [N] field',
    doc: 'The N (default 10) most frequent values of the field with their count.',
    example: '* | top 5 path',
  },
  sort: {
    syntax: 'sort column [asc|desc], …',
    doc: 'Orders the rows (ascending by default, missing values last).',
    example: '* | count by path | sort count desc',
  },
  limit: {
    syntax: 'limit N',
    doc: 'Keeps the first N rows.',
    example: '* | limit 10',
  },
  fields: {
    syntax: 'fields column, …',
    doc: 'Keeps only these columns.',
    example: '* | fields ts, service, message',
  },
};

/** The pipe commands, in the order help lists them. */
export const PIPES: readonly SyntaxEntry[] = Object.entries(PIPE_TABLE).map(([name, e]) => ({ name, ...e }));

/** The names of PIPES as error messages list them: `count, stats, … or fields`. */
export const PIPE_NAMES_TEXT = `${PIPES.slice(0, -1)
  .map((p) => p.name)
  .join(', ')} or ${PIPES[PIPES.length - 1].name}`;

/** The search syntax: what may stand before the first `|`. */
export const OPERATORS: readonly SyntaxEntry[] = [
  { name: '*', syntax: '*', doc: 'Every event (so is an empty search).', example: '*' },
  {
    name: 'word',
    syntax: 'word',
    doc: 'Events whose message or raw line contains the word, any case; * in a word is any run of characters.',
    example: 'time*out',
  },
  {
    name: '"…"',
    syntax: '"phrase"',
    doc: 'The exact text, any case, spaces included.',
    example: '"connection reset"',
  },
  {
    name: '/…/',
    syntax: '/regex/[i]',
    doc: 'A regex match in the message (RE2 syntax); case-sensitive unless i.',
    example: '/time(d)?out/i',
  },
  {
    name: ':',
    syntax: 'field:value',
    doc: 'The field equals the value (case-sensitive, except level); * in the value is any run of characters. Also = and ==.',
    example: 'service:api path:/api/*',
  },
  { name: ':*', syntax: 'field:*', doc: 'The field has a value.', example: 'trace_id:*' },
  {
    name: ':/…/',
    syntax: 'field:/regex/[i]',
    doc: "A regex match in the field's text.",
    example: 'user:/^b/i',
  },
  {
    name: '!=',
    syntax: 'field!=value',
    doc: 'Not equal: -field:value (events without the field included).',
    example: 'status!=200',
  },
  {
    name: '>',
    syntax: 'field>value',
    doc: 'Numeric or time comparison; sizes (10KB) and durations (250ms) convert to the unit the field name ends with.',
    example: 'latency_ms>250ms',
  },
  { name: '>=', syntax: 'field>=value', doc: 'Greater than or equal.', example: 'status>=500' },
  {
    name: '<',
    syntax: 'field<value',
    doc: 'Less than; on ts a duration means that long ago.',
    example: 'ts<15m',
  },
  { name: '<=', syntax: 'field<=value', doc: 'Less than or equal.', example: 'bytes<=10KB' },
  {
    name: 'AND',
    syntax: 'a AND b',
    doc: 'Both (also written as a space between terms).',
    example: 'level:error AND service:api',
  },
  { name: 'OR', syntax: 'a OR b', doc: 'Either.', example: 'level:error OR level:fatal' },
  { name: 'NOT', syntax: 'NOT a', doc: 'Events that do not match (also -a).', example: 'NOT level:info' },
  { name: '-', syntax: '-a', doc: 'Events that do not match.', example: '-path:/health' },
  { name: '( )', syntax: '( … )', doc: 'Grouping.', example: '(level:error OR level:fatal) service:api' },
  {
    name: '|',
    syntax: 'search | stage | …',
    doc: 'Pipes the matching events through stages.',
    example: '* | count',
  },
];

/** The aggregates of `stats` and `timechart`. */
export const AGGREGATES: readonly SyntaxEntry[] = [
  {
    name: 'count',
    syntax: 'count | count(field)',
    doc: 'Rows; with a field, rows where it has a value.',
    example: '* | stats count',
  },
  { name: 'sum', syntax: 'sum(field)', doc: 'Sum of the numbers.', example: '* | stats sum(bytes)' },
  { name: 'avg', syntax: 'avg(field)', doc: 'Mean of the numbers.', example: '* | stats avg(latency_ms)' },
  {
    name: 'min',
    syntax: 'min(field)',
    doc: 'Least value (numbers, times, text).',
    example: '* | stats min(ts)',
  },
  { name: 'max', syntax: 'max(field)', doc: 'Greatest value.', example: '* | stats max(bytes)' },
  {
    name: 'distinct',
    syntax: 'distinct(field)',
    doc: 'Number of distinct values.',
    example: '* | stats distinct(client_ip)',
  },
  {
    name: 'pNN',
    syntax: 'pNN(field)',
    doc: 'Exact percentile by linear interpolation: p50, p99, p99.9.',
    example: '* | stats p99(latency_ms)',
  },
];

/** A column of the store: a field name every event may carry, and its type. */
export interface CoreField {
  name: string;
  type: 'time' | 'text' | 'integer' | 'number';
}

/** The event columns and promoted fields, in table order. */
export const CORE_FIELDS: readonly CoreField[] = [...EVENT_COLUMNS, ...PROMOTED_FIELDS].map((c) => ({
  name: c.name,
  type:
    c.type === 'timestamp'
      ? 'time'
      : c.type === 'string'
        ? 'text'
        : c.type === 'double'
          ? 'number'
          : 'integer',
}));
