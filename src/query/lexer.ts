/**
 * Splits query text into tokens in one pass. The search part (before the first top-level `|`)
 * knows words, "phrases", /regexes/, `field:value` and `field>=value`; after the first `|` the
 * pipe part knows words, commas, parentheses and phrases. Field names are validated here, so
 * nothing but `[A-Za-z0-9_.@-]` names ever reaches the planner.
 */
import { QueryError } from '../core/errors.js';
import type { CompareOp } from './ast.js';

export type TokenKind =
  | 'word'
  | 'phrase'
  | 'regex'
  | 'field'
  | 'star'
  | 'minus'
  | 'and'
  | 'or'
  | 'not'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'pipe'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded text: the word, the phrase without quotes, the regex body, the field name. */
  text: string;
  /** 0-based offset of the token's first character. */
  pos: number;
  /** Offset just past the token. */
  end: number;
  /** For `field` tokens: the operator that followed the name. */
  op?: ':' | CompareOp;
  /** For `regex` tokens: the flags after the closing slash (only `i` is allowed). */
  flags?: string;
}

/** Characters allowed in a field name; the first must not be a digit, `.` or `-`. */
const NAME_START = /^[A-Za-z_@]$/;
const NAME_REST = /^[A-Za-z0-9_.@-]$/;

/** True when `name` is a valid field name. */
export function isFieldName(name: string): boolean {
  if (name.length === 0 || !NAME_START.test(name[0])) return false;
  for (let i = 1; i < name.length; i++) if (!NAME_REST.test(name[i])) return false;
  return true;
}

const WS = 1;
const STOP = 2; // ends a word: ( ) | "
const CLASS = new Uint8Array(128);
for (const c of ' \t\n\r\f\v') CLASS[c.charCodeAt(0)] = WS;
for (const c of '()|"') CLASS[c.charCodeAt(0)] = STOP;

function isWs(code: number): boolean {
  return code < 128 ? CLASS[code] === WS : code === 0xa0 || code === 0x2028 || code === 0x2029;
}

function endsWord(code: number): boolean {
  return code < 128 && CLASS[code] !== 0;
}

/** Tokenises a query; throws QueryError on an unterminated phrase. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  let piped = false;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (isWs(code)) {
      i++;
      continue;
    }
    const ch = text[i];
    if (ch === '(' || ch === ')' || ch === '|') {
      out.push({
        kind: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'pipe',
        text: ch,
        pos: i,
        end: i + 1,
      });
      if (ch === '|') piped = true;
      i++;
      continue;
    }
    if (ch === '"') {
      const t = scanPhrase(text, i);
      out.push(t);
      i = t.end;
      continue;
    }
    if (piped) {
      if (ch === ',') {
        out.push({ kind: 'comma', text: ',', pos: i, end: i + 1 });
        i++;
        continue;
      }
      let j = i;
      while (j < n && !endsWord(text.charCodeAt(j)) && !isWs(text.charCodeAt(j)) && text[j] !== ',') j++;
      out.push({ kind: 'word', text: text.slice(i, j), pos: i, end: j });
      i = j;
      continue;
    }
    if (ch === '-' && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (!isWs(next) && text[i + 1] !== ')' && text[i + 1] !== '|') {
        out.push({ kind: 'minus', text: '-', pos: i, end: i + 1 });
        i++;
        continue;
      }
    }
    if (ch === '/') {
      const re = scanRegex(text, i);
      if (re) {
        out.push(re);
        i = re.end;
        continue;
      }
    }
    i = scanWordOrField(text, i, out);
  }
  out.push({ kind: 'eof', text: '', pos: n, end: n });
  return out;
}

/** Scans a "phrase" starting at the quote; `\"` and `\\` are the escapes. */
function scanPhrase(text: string, start: number): Token {
  let s = '';
  let j = start + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\' && j + 1 < text.length && (text[j + 1] === '"' || text[j + 1] === '\\')) {
      s += text[j + 1];
      j += 2;
      continue;
    }
    if (c === '"') return { kind: 'phrase', text: s, pos: start, end: j + 1 };
    s += c;
    j++;
  }
  throw new QueryError('unterminated phrase: expected a closing "', text, start);
}

/**
 * Scans `/body/` or `/body/i` when it stands as a whole token (followed by the end, a space, `)`
 * or `|`); returns undefined otherwise, so that `/api/*` and `/health` read as plain words.
 */
function scanRegex(text: string, start: number): Token | undefined {
  let j = start + 1;
  let body = '';
  while (j < text.length) {
    const c = text[j];
    if (c === '\\' && j + 1 < text.length) {
      // `\/` is the slash itself; every other escape is the regex's own.
      body += text[j + 1] === '/' ? '/' : c + text[j + 1];
      j += 2;
      continue;
    }
    if (c === '/') break;
    body += c;
    j++;
  }
  if (j >= text.length || body.length === 0) return undefined;
  let k = j + 1;
  while (k < text.length && /[A-Za-z]/.test(text[k])) k++;
  if (k < text.length && !isWs(text.charCodeAt(k)) && text[k] !== ')' && text[k] !== '|') return undefined;
  const flags = text.slice(j + 1, k);
  // Other letters mean the slash was a path's, not a regex's end: `path:/a OR path:/b`.
  if (flags !== '' && flags !== 'i') return undefined;
  return { kind: 'regex', text: body, pos: start, end: k, flags };
}

/** Scans a bare word; a valid name followed by `:`, `>`, `>=`, `<` or `<=` becomes a field token. */
function scanWordOrField(text: string, start: number, out: Token[]): number {
  const n = text.length;
  let j = start;
  while (j < n) {
    const code = text.charCodeAt(j);
    if (isWs(code) || endsWord(code)) break;
    const c = text[j];
    if ((c === ':' || c === '>' || c === '<') && j > start && isFieldName(text.slice(start, j))) {
      let op: ':' | CompareOp = c as ':' | '>' | '<';
      let end = j + 1;
      if (c !== ':' && text[end] === '=') {
        op = c === '>' ? '>=' : '<=';
        end++;
      }
      out.push({ kind: 'field', text: text.slice(start, j), pos: start, end, op });
      return scanValue(text, end, op, out);
    }
    j++;
  }
  const word = text.slice(start, j);
  const kind =
    word === '*' ? 'star' : word === 'AND' ? 'and' : word === 'OR' ? 'or' : word === 'NOT' ? 'not' : 'word';
  out.push({ kind, text: word, pos: start, end: j });
  return j;
}

/** Scans the value right after a field operator; emits nothing when there is none. */
function scanValue(text: string, start: number, op: ':' | CompareOp, out: Token[]): number {
  if (start >= text.length) return start;
  const code = text.charCodeAt(start);
  if (isWs(code)) return start;
  const c = text[start];
  if (c === '"') {
    const t = scanPhrase(text, start);
    out.push(t);
    return t.end;
  }
  if (c === '/' && op === ':') {
    const re = scanRegex(text, start);
    if (re) {
      out.push(re);
      return re.end;
    }
  }
  let j = start;
  while (j < text.length && !isWs(text.charCodeAt(j)) && !endsWord(text.charCodeAt(j))) j++;
  if (j === start) return start;
  const word = text.slice(start, j);
  out.push({ kind: word === '*' ? 'star' : 'word', text: word, pos: start, end: j });
  return j;
}
