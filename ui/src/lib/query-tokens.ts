/**
 * The query box's reading of the query language, for colours and match highlighting: a tolerant
 * one-pass scan that never throws (the text is half typed), unlike the server's lexer, which is
 * the one that decides. Its spans cover the text exactly, so an overlay of them lines up with
 * the textarea under it.
 */

export type SpanKind =
  | 'space'
  | 'word'
  | 'field'
  | 'op'
  | 'value'
  | 'phrase'
  | 'regex'
  | 'keyword'
  | 'minus'
  | 'paren'
  | 'pipe'
  | 'command'
  | 'punct';

export interface Span {
  kind: SpanKind;
  start: number;
  end: number;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT']);
const OPS = ['>=', '<=', '!=', '>', '<', '=', ':'];
const NAME = /^[A-Za-z_@][A-Za-z0-9_.@-]*/;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u00a0';
}

/** Ends a bare word: space, parentheses, pipe, a quote. */
function endsWord(c: string): boolean {
  return isSpace(c) || c === '(' || c === ')' || c === '|' || c === '"' || c === ',';
}

/** The end of a quoted phrase starting at `i` (its closing quote included, or the text's end). */
function phraseEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return Math.min(text.length, j + 1);
}

/** Spans covering `text` from start to end, in order. */
export function querySpans(text: string): Span[] {
  const out: Span[] = [];
  const n = text.length;
  let i = 0;
  let piped = false;
  let stageStart = false;
  const push = (kind: SpanKind, start: number, end: number) => out.push({ kind, start, end });
  while (i < n) {
    const c = text[i];
    if (isSpace(c)) {
      let j = i + 1;
      while (j < n && isSpace(text[j])) j++;
      push('space', i, j);
      i = j;
      continue;
    }
    if (c === '|') {
      push('pipe', i, i + 1);
      piped = true;
      stageStart = true;
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      push('paren', i, i + 1);
      i++;
      continue;
    }
    if (c === ',') {
      push('punct', i, i + 1);
      i++;
      continue;
    }
    if (c === '"') {
      const j = phraseEnd(text, i);
      push('phrase', i, j);
      i = j;
      stageStart = false;
      continue;
    }
    if (!piped && c === '/') {
      let j = i + 1;
      while (j < n && text[j] !== '/') j += text[j] === '\\' ? 2 : 1;
      j = Math.min(n, j + 1);
      while (j < n && text[j] === 'i') j++;
      push('regex', i, j);
      i = j;
      continue;
    }
    if (!piped && c === '-' && i + 1 < n && !endsWord(text[i + 1])) {
      push('minus', i, i + 1);
      i++;
      continue;
    }
    let j = i;
    while (j < n && !endsWord(text[j])) j++;
    const word = text.slice(i, j);
    if (piped) {
      if (stageStart) push('command', i, j);
      else push(KEYWORDS.has(word.toUpperCase()) && word === word.toUpperCase() ? 'keyword' : 'word', i, j);
      stageStart = false;
      i = j;
      continue;
    }
    if (KEYWORDS.has(word)) {
      push('keyword', i, j);
      i = j;
      continue;
    }
    const name = NAME.exec(word)?.[0] ?? '';
    const rest = word.slice(name.length);
    const op = name ? OPS.find((o) => rest.startsWith(o)) : undefined;
    if (op) {
      push('field', i, i + name.length);
      const opEnd = i + name.length + op.length;
      push('op', i + name.length, opEnd);
      if (opEnd < j) push('value', opEnd, j);
      else if (text[opEnd] === '"') {
        const k = phraseEnd(text, opEnd);
        push('value', opEnd, k);
        j = k;
      }
      i = j;
      continue;
    }
    push('word', i, j);
    i = j;
  }
  return out;
}

/**
 * The free-text terms of a query's search part that results should highlight: words and
 * phrases not negated, without wildcards, lowercased (search is case-insensitive).
 */
export function searchTerms(text: string): string[] {
  const spans = querySpans(text);
  const out = new Set<string>();
  let negated = false;
  for (const s of spans) {
    if (s.kind === 'pipe') break;
    if (s.kind === 'space') continue;
    if (s.kind === 'minus' || (s.kind === 'keyword' && text.slice(s.start, s.end) === 'NOT')) {
      negated = true;
      continue;
    }
    if (s.kind === 'word' || s.kind === 'phrase' || s.kind === 'value') {
      let t = text.slice(s.start, s.end);
      if (t.startsWith('"')) t = t.slice(1, t.endsWith('"') && t.length > 1 ? -1 : undefined);
      for (const part of t.split('*')) if (!negated && part.length > 1) out.add(part.toLowerCase());
    }
    negated = false;
  }
  return [...out];
}

/**
 * `text` cut into pieces, the ones matching a term (case-insensitive) marked: what a results row
 * shows as plain text nodes and <mark> nodes, never as HTML. At most `maxPieces` + 2 pieces: the
 * rest of a line with thousands of hits is one plain piece.
 */
export function markTerms(text: string, terms: string[], maxPieces = 200): { text: string; hit: boolean }[] {
  if (terms.length === 0 || text.length === 0) return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  while (at < text.length && out.length < maxPieces) {
    let best = -1;
    let len = 0;
    for (const t of terms) {
      const k = lower.indexOf(t, at);
      if (k !== -1 && (best === -1 || k < best || (k === best && t.length > len))) {
        best = k;
        len = t.length;
      }
    }
    if (best === -1) break;
    if (best > at) out.push({ text: text.slice(at, best), hit: false });
    out.push({ text: text.slice(best, best + len), hit: true });
    at = best + len;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}
