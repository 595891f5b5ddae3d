/**
 * What the query box offers at the cursor: pipe commands after `|`, field names where a term or
 * a `by` list begins, known values after `field:`. Pure: the component fetches values for a
 * `value` context from /api/values and ranks what it has with `rank`.
 */

/** The pipe commands when /api/language cannot be asked (an older server). */
export const FALLBACK_PIPES = ['count', 'stats', 'timechart', 'top', 'sort', 'limit', 'fields'];
/** The store's columns (docs/query-language.md), known before any field statistics arrive. */
export const CORE_FIELDS = [
  'ts',
  'level',
  'service',
  'host',
  'source',
  'format',
  'message',
  'raw',
  'status',
  'method',
  'path',
  'bytes',
  'latency_ms',
  'client_ip',
  'trace_id',
  'protocol',
  'referrer',
  'user_agent',
];

export type SuggestContext =
  | { kind: 'pipe'; from: number; to: number; prefix: string }
  | { kind: 'field'; from: number; to: number; prefix: string; search: boolean }
  | { kind: 'value'; from: number; to: number; prefix: string; field: string }
  | { kind: 'none' };

export interface Suggestion {
  /** Shown in the list. */
  label: string;
  /** What replaces text[from, to). */
  insert: string;
  detail?: string;
}

const WORD_END = /[\s()|",]/;

/** Where the cursor is in the query's grammar, and the text a suggestion would replace. */
export function suggestContext(text: string, cursor: number): SuggestContext {
  let from = cursor;
  while (from > 0 && !WORD_END.test(text[from - 1])) from--;
  const word = text.slice(from, cursor);
  const before = text.slice(0, from);
  if (insidePhrase(before)) return { kind: 'none' };
  const pipe = before.lastIndexOf('|');
  if (pipe !== -1) {
    const stage = before.slice(pipe + 1);
    if (stage.trim() === '') return { kind: 'pipe', from, to: cursor, prefix: word };
    // Arguments of a stage: field names (aggregates are typed by hand).
    if (word.includes('(')) return { kind: 'none' };
    return { kind: 'field', from, to: cursor, prefix: word, search: false };
  }
  let start = from;
  if (text[start] === '-') start++;
  const m = /^([A-Za-z_@][A-Za-z0-9_.@-]*)(:|>=|<=|!=|=|>|<)(.*)$/.exec(text.slice(start, cursor));
  if (m) {
    if (m[2] !== ':' && m[2] !== '=') return { kind: 'none' };
    const valueFrom = start + m[1].length + m[2].length;
    return { kind: 'value', from: valueFrom, to: cursor, prefix: m[3].replace(/^"/, ''), field: m[1] };
  }
  return { kind: 'field', from: start, to: cursor, prefix: text.slice(start, cursor), search: true };
}

function insidePhrase(before: string): boolean {
  let quotes = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === '\\') i++;
    else if (before[i] === '"') quotes++;
  }
  return quotes % 2 === 1;
}

/** A value as the query language needs it after `field:`: quoted when it holds what ends a word. */
export function quoteValue(value: string): string {
  return /^[^\s()|",\\*]+$/.test(value) && value !== '' ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** Candidates that start with (first) or contain the prefix, case-insensitively, at most `max`. */
export function rank(candidates: string[], prefix: string, max = 12): string[] {
  const p = prefix.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const c of candidates) {
    const l = c.toLowerCase();
    if (l === p) continue;
    if (l.startsWith(p)) starts.push(c);
    else if (p && l.includes(p)) contains.push(c);
  }
  return [...starts, ...contains].slice(0, max);
}

/** Suggestions for a context from the names known (fields, pipes); values come separately. */
export function suggest(ctx: SuggestContext, known: { fields: string[]; pipes: string[] }): Suggestion[] {
  if (ctx.kind === 'pipe') return rank(known.pipes, ctx.prefix).map((p) => ({ label: p, insert: `${p} ` }));
  if (ctx.kind === 'field') {
    if (ctx.search && ctx.prefix === '') return [];
    return rank(known.fields, ctx.prefix).map((f) => ({
      label: f,
      insert: ctx.search ? `${f}:` : f,
      detail: 'field',
    }));
  }
  return [];
}

/** Suggestions for known values of a field. */
export function valueSuggestions(values: { value: unknown; count: number }[]): Suggestion[] {
  return values.map((v) => ({
    label: String(v.value),
    insert: `${quoteValue(String(v.value))} `,
    detail: String(v.count),
  }));
}

/** `text` with a suggestion put in place of [from, to); the new cursor position too. */
export function applySuggestion(
  text: string,
  ctx: Exclude<SuggestContext, { kind: 'none' }>,
  s: Suggestion,
): { text: string; cursor: number } {
  const next = text.slice(0, ctx.from) + s.insert + text.slice(ctx.to);
  return { text: next, cursor: ctx.from + s.insert.length };
}

/**
 * The query with a filter on `field:value` added (or `-field:value` when excluding), replacing
 * the opposite filter on the same value when the query holds it. Pipes stay at the end.
 */
export function addFilter(query: string, field: string, value: unknown, exclude: boolean): string {
  const term = `${field}:${quoteValue(String(value))}`;
  const pipe = pipeStart(query);
  let search = query.slice(0, pipe).trim();
  const rest = query.slice(pipe);
  const opposite = exclude ? term : `-${term}`;
  const wanted = exclude ? `-${term}` : term;
  const words = search.split(/\s+/).filter((w) => w !== '' && w !== opposite && w !== wanted);
  if (words.length === 1 && words[0] === '*') words.length = 0;
  words.push(wanted);
  search = words.join(' ');
  return rest ? `${search} ${rest.trim()}` : search;
}

/** Offset of the first `|` outside a phrase or regex; the text's length when none. */
export function pipeStart(text: string): number {
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') quote = !quote;
    else if (c === '|' && !quote) return i;
  }
  return text.length;
}
