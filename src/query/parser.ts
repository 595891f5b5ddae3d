/**
 * Recursive-descent parser: tokens → QueryAst. Checks everything that can be checked without the
 * store (value types against column types, units, regex syntax, names used after an aggregation),
 * so that a bad query fails here with the position of the offending token.
 */
import { inTimeRange } from '../core/civil-time.js';
import { QueryError, UserError } from '../core/errors.js';
import { normaliseLevel } from '../core/levels.js';
import { readTimePoint, TIME_RANGE_TEXT } from '../core/time.js';
import { rangeText, wholeNumber as readWholeNumber } from '../core/whole-numbers.js';
import type {
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
import { isNumericColumn, resolveField } from './fields.js';
import { PIPE_NAMES_TEXT, type PipeName } from './language.js';
import { isFieldName, type Token, tokenize } from './lexer.js';
import { fieldDurationUnit, nsIn, parseDurationNs, parseLiteral } from './literals.js';
import { regexProblem } from './regex-check.js';

/** Parses query text into an AST; throws QueryError with the position of the first problem. */
export function parse(text: string): QueryAst {
  const p = new Cursor(text, tokenize(text));
  const filter = p.peek().kind === 'pipe' || p.peek().kind === 'eof' ? all(0) : parseOr(p);
  const t = p.peek();
  if (t.kind === 'rparen') throw p.error(`unexpected ")": no "(" to close`, t.pos);
  if (t.kind !== 'pipe' && t.kind !== 'eof') throw p.error(`unexpected ${describe(t)}`, t.pos);
  const stages = parseStages(p);
  return { text, filter, stages };
}

/** Token stream with one token of lookahead. */
class Cursor {
  i = 0;
  /** Nesting of parentheses and negations, bounded so that no query can exhaust the stack. */
  depth = 0;
  constructor(
    readonly text: string,
    readonly tokens: Token[],
  ) {}
  peek(): Token {
    return this.tokens[this.i];
  }
  next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  error(detail: string, pos: number): QueryError {
    return new QueryError(detail, this.text, pos);
  }
}

function all(pos: number): Expr {
  return { type: 'all', pos };
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of query';
  if (t.kind === 'phrase') return `"${t.text}"`;
  return `"${t.kind === 'field' ? t.text + t.op : t.text}"`;
}

// ---- search expression ------------------------------------------------------------------------

function parseOr(p: Cursor): Expr {
  const first = parseAnd(p);
  if (p.peek().kind !== 'or') return first;
  const exprs = [first];
  while (p.peek().kind === 'or') {
    p.next();
    if (!startsTerm(p.peek())) throw p.error(`expected a term after OR`, p.peek().pos);
    exprs.push(parseAnd(p));
  }
  return { type: 'or', exprs, pos: first.pos };
}

function startsTerm(t: Token): boolean {
  switch (t.kind) {
    case 'word':
    case 'phrase':
    case 'regex':
    case 'field':
    case 'star':
    case 'minus':
    case 'not':
    case 'lparen':
      return true;
    default:
      return false;
  }
}

function parseAnd(p: Cursor): Expr {
  const t = p.peek();
  if (t.kind === 'and') throw p.error(`expected a term before AND`, t.pos);
  if (t.kind === 'or') throw p.error(`expected a term before OR`, t.pos);
  const first = parseUnary(p);
  const exprs = [first];
  for (;;) {
    const n = p.peek();
    if (n.kind === 'and') {
      p.next();
      if (!startsTerm(p.peek())) throw p.error(`expected a term after AND`, p.peek().pos);
      exprs.push(parseUnary(p));
    } else if (startsTerm(n)) {
      exprs.push(parseUnary(p));
    } else break;
  }
  return exprs.length === 1 ? first : { type: 'and', exprs, pos: first.pos };
}

/** Deeper nesting than this is refused (it is never needed, and recursion has a limit). */
const MAX_DEPTH = 64;

function parseUnary(p: Cursor): Expr {
  const t = p.peek();
  if (++p.depth > MAX_DEPTH) throw p.error(`the query nests deeper than ${MAX_DEPTH} levels`, t.pos);
  try {
    return parseUnaryInner(p, t);
  } finally {
    p.depth--;
  }
}

function parseUnaryInner(p: Cursor, t: Token): Expr {
  if (t.kind === 'not' || t.kind === 'minus') {
    p.next();
    if (!startsTerm(p.peek())) {
      throw p.error(`expected a term after ${t.kind === 'not' ? 'NOT' : '"-"'}`, p.peek().pos);
    }
    return { type: 'not', expr: parseUnary(p), pos: t.pos };
  }
  return parsePrimary(p);
}

function parsePrimary(p: Cursor): Expr {
  const t = p.next();
  switch (t.kind) {
    case 'lparen': {
      if (p.peek().kind === 'rparen') throw p.error(`expected a term inside "(...)"`, p.peek().pos);
      const inner = parseOr(p);
      const close = p.peek();
      if (close.kind !== 'rparen') {
        // The caret goes under the "(" left open: the one position an error line carries.
        throw p.error(`this "(" is not closed: expected ")" before ${describe(close)}`, t.pos);
      }
      p.next();
      return inner;
    }
    case 'star':
      return all(t.pos);
    case 'phrase':
      return { type: 'text', text: t.text, wildcard: false, pos: t.pos };
    case 'word':
      return { type: 'text', text: t.text, wildcard: t.text.includes('*'), pos: t.pos };
    case 'regex':
      checkRegex(p, t);
      return { type: 'regex', field: null, pattern: t.text, ignoreCase: t.flags === 'i', pos: t.pos };
    case 'field':
      return parseFieldTerm(p, t);
    default:
      throw p.error(`expected a search term, got ${describe(t)}`, t.pos);
  }
}

/** `name:value`, `name:*`, `name:/re/`, `name>=value` … */
function parseFieldTerm(p: Cursor, ft: Token): Expr {
  const field = resolveField(ft.text);
  const v = p.peek();
  const adjacent =
    v.pos === ft.end && (v.kind === 'word' || v.kind === 'phrase' || v.kind === 'star' || v.kind === 'regex');
  if (!adjacent) throw p.error(`expected a value after "${ft.text}${ft.op}"`, ft.end);
  p.next();
  if (ft.op !== ':') return parseCompare(p, ft, field, v);
  // `status:>=500`, the spelling other log tools use, is `status>=500`.
  const cmp = v.kind === 'word' ? /^[<>]=?/.exec(v.text) : null;
  if (cmp) {
    const op = cmp[0] as CompareOp;
    const rest: Token = { ...v, text: v.text.slice(op.length), pos: v.pos + op.length };
    if (rest.text === '') throw p.error(`expected a value after "${ft.text}:${op}"`, rest.pos);
    return parseCompare(p, { ...ft, op, end: rest.pos }, field, rest);
  }
  if (v.kind === 'star') return { type: 'exists', field, pos: ft.pos };
  if (v.kind === 'regex') {
    if (field.column === 'timestamp') throw p.error(`a regex cannot match "${ft.text}", a time`, v.pos);
    checkRegex(p, v);
    return { type: 'regex', field, pattern: v.text, ignoreCase: v.flags === 'i', pos: ft.pos };
  }
  const wildcard = v.kind === 'word' && v.text.includes('*');
  if (field.column === 'timestamp') {
    if (wildcard) throw p.error(`"${ft.text}" is a time: wildcards do not apply`, v.pos);
    return { type: 'match', field, value: v.text, number: timeValue(p, ft, v), wildcard: false, pos: ft.pos };
  }
  const isLevel = field.key === 'level' && field.column !== null;
  if (wildcard) {
    // Stored levels are lower case, so a level pattern is too.
    const value = isLevel ? v.text.toLowerCase() : v.text;
    return { type: 'match', field, value, number: null, wildcard, pos: ft.pos };
  }
  if (isLevel) {
    const level = normaliseLevel(v.text);
    const value = level === 'unknown' ? v.text.toLowerCase() : level;
    return { type: 'match', field, value, number: null, wildcard: false, pos: ft.pos };
  }
  if (isNumericColumn(field)) {
    const n = numberValue(p, ft, field, v);
    return { type: 'match', field, value: v.text, number: n, wildcard: false, pos: ft.pos };
  }
  if (field.column === null && v.kind === 'word') {
    const lit = parseLiteral(v.text);
    let n: number | null = null;
    if (lit?.kind === 'number') n = lit.value;
    else if (lit?.kind === 'size') n = lit.bytes;
    else if (lit?.kind === 'duration' && fieldDurationUnit(field.key))
      n = nsIn(lit.ns, fieldDurationUnit(field.key)!);
    return { type: 'match', field, value: v.text, number: n, wildcard: false, pos: ft.pos };
  }
  return { type: 'match', field, value: v.text, number: null, wildcard: false, pos: ft.pos };
}

function parseCompare(p: Cursor, ft: Token, field: FieldRef, v: Token): Expr {
  const op = ft.op as CompareOp;
  if (v.kind === 'star' || v.kind === 'regex') {
    throw p.error(`expected a number or a time after "${ft.text}${op}"`, v.pos);
  }
  if (field.column === 'timestamp') {
    return { type: 'compare', field, op, value: timeValue(p, ft, v), pos: ft.pos };
  }
  if (field.column === 'string') {
    throw p.error(`"${ft.text}" is text: ${op} compares numbers and times`, ft.pos);
  }
  return { type: 'compare', field, op, value: numberValue(p, ft, field, v), pos: ft.pos };
}

/** A number for a numeric field: plain, a size in bytes, or a duration in the field's unit. */
function numberValue(p: Cursor, ft: Token, field: FieldRef, v: Token): number {
  const lit = parseLiteral(v.text);
  if (!lit) {
    throw p.error(
      `expected a number after "${ft.text}${ft.op}" (like 500, 250ms, 10KB), got "${v.text}"`,
      v.pos,
    );
  }
  if (lit.kind === 'number') return lit.value;
  if (lit.kind === 'size') return lit.bytes;
  const unit = fieldDurationUnit(field.key);
  if (!unit) {
    throw p.error(
      `a duration needs a field named with its unit (_ns, _us, _ms, _s), like latency_ms>250ms; "${ft.text}" has none`,
      v.pos,
    );
  }
  return nsIn(lit.ns, unit);
}

/** A point in time for `ts`: ISO 8601, a date, `now`, or `15m` (that long ago). */
function timeValue(p: Cursor, ft: Token, v: Token): number {
  let us: number;
  try {
    us = readTimePoint(v.text);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    us = Number.NaN;
  }
  if (Number.isNaN(us)) {
    throw p.error(
      `expected a time after "${ft.text}${ft.op}" (2026-01-02T03:04:05Z, a date, now, or 15m ago), got "${v.text}"`,
      v.pos,
    );
  }
  if (!inTimeRange(us)) throw p.error(`the time "${v.text}" is out of range: ${TIME_RANGE_TEXT}`, v.pos);
  return us;
}

/** Regexes run on RE2 in the store: refuse what RE2 would, at the spot in the regex. */
function checkRegex(p: Cursor, t: Token): void {
  const problem = regexProblem(t.text);
  if (problem) throw p.error(problem.detail, problem.index < 0 ? t.pos : t.pos + 1 + problem.index);
}

// ---- pipes ------------------------------------------------------------------------------------

/** What a column holds, as far as the parser can tell (`any`: a JSON value, or not known). */
type Kind = 'number' | 'text' | 'time' | 'any';

/** Names available to a stage, with their kinds: null while rows are still events. */
type Scope = Map<string, Kind> | null;

function fieldKind(f: FieldRef): Kind {
  if (f.column === null) return 'any';
  if (f.column === 'string') return 'text';
  return f.column === 'timestamp' ? 'time' : 'number';
}

function refKind(c: ColumnRef, scope: Scope): Kind {
  return c.kind === 'field' ? fieldKind(c.field) : (scope?.get(c.name) ?? 'any');
}

function aggKind(a: Aggregate, scope: Scope): Kind {
  if (a.fn !== 'min' && a.fn !== 'max') return 'number';
  const k = a.field ? refKind(a.field, scope) : 'number';
  // min/max of a JSON field compare its numbers.
  return k === 'any' && a.field?.kind === 'field' ? 'number' : k;
}

/** The commands' names come from the language's table (language.ts), which help is built from. */
const PIPE_COMMANDS = PIPE_NAMES_TEXT;

/** A parser for each pipe command the language lists (language.ts): the type keeps them paired. */
const STAGE_PARSERS: Record<PipeName, (p: Cursor, cmd: Token, scope: Scope) => Stage> = {
  count: parseCount,
  stats: parseStats,
  timechart: parseTimechart,
  top: parseTop,
  sort: parseSort,
  limit: (p, cmd) => ({ type: 'limit', n: wholeNumber(p, 'limit'), pos: cmd.pos }),
  fields: parseFields,
};

function parseStages(p: Cursor): Stage[] {
  const stages: Stage[] = [];
  let scope: Scope = null;
  while (p.peek().kind === 'pipe') {
    p.next();
    const cmd = p.peek();
    if (cmd.kind !== 'word') throw p.error(`expected a command after "|": ${PIPE_COMMANDS}`, cmd.pos);
    p.next();
    const parseStage = Object.hasOwn(STAGE_PARSERS, cmd.text) ? STAGE_PARSERS[cmd.text as PipeName] : null;
    if (parseStage === null)
      throw p.error(`unknown command "${cmd.text}": expected ${PIPE_COMMANDS}`, cmd.pos);
    const stage = parseStage(p, cmd, scope);
    const end = p.peek();
    if (end.kind !== 'pipe' && end.kind !== 'eof') {
      throw p.error(`unexpected ${describe(end)} after ${cmd.text}: expected "|" or the end`, end.pos);
    }
    scope = outputColumns(stage, scope);
    stages.push(stage);
  }
  return stages;
}

/** The columns a stage leaves for the next one. */
function outputColumns(stage: Stage, scope: Scope): Scope {
  const name = (c: ColumnRef) => (c.kind === 'field' ? c.field.name : c.name);
  const out = new Map<string, Kind>();
  switch (stage.type) {
    case 'timechart':
    case 'stats':
      if (stage.type === 'timechart') out.set('time', 'time');
      for (const b of stage.by) out.set(name(b), refKind(b, scope));
      for (const a of stage.aggs) out.set(a.name, aggKind(a, scope));
      return out;
    case 'top':
      out.set(name(stage.field), refKind(stage.field, scope));
      out.set('count', 'number');
      return out;
    case 'fields':
      for (const c of stage.columns) out.set(name(c), refKind(c, scope));
      return out;
    default:
      return scope;
  }
}

/** A column name in a pipe: an event field, or (after an aggregation) an output column. */
function parseColumn(p: Cursor, scope: Scope, what: string): ColumnRef {
  const t = p.peek();
  if (t.kind !== 'word' && t.kind !== 'phrase') throw p.error(`expected ${what}, got ${describe(t)}`, t.pos);
  p.next();
  let name = t.text;
  // `p50(latency_ms)` names an aggregate's default output column.
  if (t.kind === 'word' && p.peek().kind === 'lparen' && p.peek().pos === t.end) {
    p.next();
    const arg = p.next();
    const close = p.next();
    if (arg.kind !== 'word' || close.kind !== 'rparen') throw p.error(`expected ${what}`, t.pos);
    name = `${t.text}(${arg.text})`;
  }
  if (scope !== null) {
    if (!scope.has(name)) {
      throw p.error(
        `unknown column "${name}": the previous stage gives ${[...scope.keys()].join(', ')}`,
        t.pos,
      );
    }
    return { kind: 'output', name };
  }
  if (t.kind === 'phrase' || !isFieldName(name)) {
    throw p.error(`invalid field name "${name}": use letters, digits, _ . @ -`, t.pos);
  }
  return { kind: 'field', field: resolveField(name) };
}

function parseColumnList(p: Cursor, scope: Scope, what: string): ColumnRef[] {
  const out = [parseColumn(p, scope, what)];
  while (p.peek().kind === 'comma') {
    p.next();
    out.push(parseColumn(p, scope, what));
  }
  return out;
}

function parseBy(p: Cursor, scope: Scope): ColumnRef[] {
  const t = p.peek();
  if (t.kind !== 'word' || t.text !== 'by') return [];
  p.next();
  return parseColumnList(p, scope, 'a field after "by"');
}

function parseCount(p: Cursor, cmd: Token, scope: Scope): Stage {
  let name = 'count';
  if (p.peek().kind === 'word' && p.peek().text === 'as') name = parseAlias(p);
  const by = parseBy(p, scope);
  const stage: Stage = { type: 'stats', aggs: [{ fn: 'count', field: null, name }], by, pos: cmd.pos };
  checkNames(p, stage.by, stage.aggs, cmd);
  return stage;
}

function parseStats(p: Cursor, cmd: Token, scope: Scope): Stage {
  const aggs = parseAggList(p, scope);
  const by = parseBy(p, scope);
  checkNames(p, by, aggs, cmd);
  return { type: 'stats', aggs, by, pos: cmd.pos };
}

/**
 * The widest timechart interval: 100 years, a fraction of the range logpipe keeps (see
 * core/civil-time.ts). Wider ones (`99999999999d`) reached the engine as a number it could not
 * make a timestamp of.
 */
const MAX_INTERVAL_DAYS = 36_500;
const MAX_INTERVAL_US = MAX_INTERVAL_DAYS * 86_400_000_000;

function parseTimechart(p: Cursor, cmd: Token, scope: Scope): Stage {
  if (scope !== null) throw p.error(`timechart needs events: put it before any aggregation`, cmd.pos);
  const iv = p.peek();
  const ns = iv.kind === 'word' ? parseDurationNs(iv.text) : undefined;
  if (ns === undefined) throw p.error(`expected an interval after timechart, like 5m or 1h`, iv.pos);
  const intervalUs = ns / 1000;
  if (!Number.isInteger(intervalUs) || intervalUs < 1) {
    throw p.error(`the interval must be a whole number of microseconds, at least 1us`, iv.pos);
  }
  if (intervalUs > MAX_INTERVAL_US) {
    throw p.error(`the interval must be from 1us to ${MAX_INTERVAL_DAYS}d, got "${iv.text}"`, iv.pos);
  }
  p.next();
  const aggs = parseAggList(p, scope);
  const by = parseBy(p, scope);
  checkNames(p, by, aggs, cmd, ['time']);
  return { type: 'timechart', intervalUs, aggs, by, pos: cmd.pos };
}

function parseTop(p: Cursor, cmd: Token, scope: Scope): Stage {
  let n = 10;
  const first = p.peek();
  // No field name starts with a digit: `5`, `1e20` or `2.5` is the count, checked as one.
  if (first.kind === 'word' && /^\d/.test(first.text)) n = wholeNumber(p, 'top');
  const field = parseColumn(p, scope, 'a field after top');
  if ((field.kind === 'field' ? field.field.name : field.name) === 'count') {
    throw p.error(`top gives a "count" column of its own: pick another field`, first.pos);
  }
  return { type: 'top', n, field, pos: cmd.pos };
}

function parseSort(p: Cursor, cmd: Token, scope: Scope): Stage {
  const keys: SortKey[] = [];
  do {
    if (keys.length > 0) p.next();
    const column = parseColumn(p, scope, 'a field after sort');
    let desc = false;
    const dir = p.peek();
    if (dir.kind === 'word' && (dir.text === 'asc' || dir.text === 'desc')) {
      p.next();
      desc = dir.text === 'desc';
    }
    keys.push({ column, desc });
  } while (p.peek().kind === 'comma');
  return { type: 'sort', keys, pos: cmd.pos };
}

function parseFields(p: Cursor, cmd: Token, scope: Scope): Stage {
  const columns = parseColumnList(p, scope, 'a field after fields');
  const seen = new Set<string>();
  for (const c of columns) {
    const name = c.kind === 'field' ? c.field.name : c.name;
    if (seen.has(name)) throw p.error(`"${name}" is listed twice`, cmd.pos);
    seen.add(name);
  }
  return { type: 'fields', columns, pos: cmd.pos };
}

/** A whole number after `limit`/`top`, from 0 to the largest held exactly (core/whole-numbers.ts). */
function wholeNumber(p: Cursor, what: string): number {
  const t = p.peek();
  const n = t.kind === 'word' ? readWholeNumber(t.text, 0) : null;
  if (n === null) {
    throw p.error(`expected a whole number after ${what}, from ${rangeText(0)}; got ${describe(t)}`, t.pos);
  }
  p.next();
  return n;
}

function parseAlias(p: Cursor): string {
  p.next(); // `as`
  const t = p.peek();
  if (t.kind !== 'word' || !isFieldName(t.text)) {
    throw p.error(`expected a name after "as" (letters, digits, _ . @ -)`, t.pos);
  }
  p.next();
  return t.text;
}

const AGG_FNS: Record<string, AggFn> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  distinct: 'distinct',
};

function parseAggList(p: Cursor, scope: Scope): Aggregate[] {
  const out = [parseAgg(p, scope)];
  while (p.peek().kind === 'comma') {
    p.next();
    out.push(parseAgg(p, scope));
  }
  return out;
}

/** `count`, `count(f)`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)`, `distinct(f)`, `p50(f)` [as name]. */
function parseAgg(p: Cursor, scope: Scope): Aggregate {
  const t = p.peek();
  const expected = `expected an aggregate (count, sum, avg, min, max, distinct or pNN, like p99(latency_ms))`;
  if (t.kind !== 'word') throw p.error(expected, t.pos);
  let fn: AggFn | undefined = AGG_FNS[t.text];
  let quantile: number | undefined;
  const pm = /^p(\d{1,2}(?:\.\d+)?)$/.exec(t.text);
  if (!fn && pm) {
    // The double nearest to the digits as written (p99.9 is 0.999), which is also the one the
    // engine reads; 99.9 / 100 would be 0.9990000000000001.
    quantile = Number(`${pm[1]}e-2`);
    if (quantile <= 0 || quantile >= 1) throw p.error(`a percentile must be between p0 and p100`, t.pos);
    fn = 'percentile';
  }
  if (!fn) throw p.error(`${expected}, got "${t.text}"`, t.pos);
  p.next();
  let field: ColumnRef | null = null;
  if (p.peek().kind === 'lparen') {
    p.next();
    field = parseColumn(p, scope, `a field inside ${t.text}(...)`);
    const close = p.peek();
    if (close.kind !== 'rparen') throw p.error(`expected ")" to close "${t.text}("`, close.pos);
    p.next();
  } else if (fn !== 'count') {
    throw p.error(`expected "(" and a field after ${t.text}, like ${t.text}(latency_ms)`, p.peek().pos);
  }
  const argName = field ? (field.kind === 'field' ? field.field.name : field.name) : '';
  const kind = field ? refKind(field, scope) : 'number';
  if ((fn === 'sum' || fn === 'avg' || fn === 'percentile') && (kind === 'text' || kind === 'time')) {
    throw p.error(`${t.text} needs numbers; "${argName}" is ${kind === 'time' ? 'a time' : 'text'}`, t.pos);
  }
  let name = field ? `${t.text}(${argName})` : t.text;
  if (p.peek().kind === 'word' && p.peek().text === 'as') name = parseAlias(p);
  return quantile === undefined ? { fn, field, name } : { fn, field, quantile, name };
}

/** Output names must be unique: SQL and the table would otherwise disagree on which is which. */
function checkNames(
  p: Cursor,
  by: ColumnRef[],
  aggs: Aggregate[],
  cmd: Token,
  reserved: string[] = [],
): void {
  const seen = new Set(reserved);
  for (const c of by) {
    const name = c.kind === 'field' ? c.field.name : c.name;
    if (seen.has(name)) throw p.error(`"${name}" appears twice in the result; rename one with "as"`, cmd.pos);
    seen.add(name);
  }
  for (const a of aggs) {
    if (seen.has(a.name))
      throw p.error(`"${a.name}" appears twice in the result; rename one with "as"`, cmd.pos);
    seen.add(a.name);
  }
}
