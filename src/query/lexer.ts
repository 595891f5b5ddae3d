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

/**
 * The field operator at `i`, as people write it: `:`, `>`, `>=`, `<`, `<=`, and the `=`, `==` and
 * `!=` of Splunk, Kibana and SQL (`=` is `:`; `!=` is `:` negated). Null when there is none.
 */
function operatorAt(text: string, i: number): { op: ':' | CompareOp; negated: boolean; end: number } | null {
  const c = text[i];
  const eq = text[i + 1] === '=';
  if (c === ':') return { op: ':', negated: false, end: i + 1 };
  if (c === '=') return { op: ':', negated: false, end: eq ? i + 2 : i + 1 };
  if (c === '!' && eq) return { op: ':', negated: true, end: i + 2 };
  if (c === '>')
    return eq ? { op: '>=', negated: false, end: i + 2 } : { op: '>', negated: false, end: i + 1 };
  if (c === '<')
    return eq ? { op: '<=', negated: false, end: i + 2 } : { op: '<', negated: false, end: i + 1 };
  return null;
}

/**
 * Scans a bare word; a valid name followed by an operator (operatorAt) becomes a field token.
 * Spaces around the operator are allowed (`status >= 500`, `level: error`): nothing else reads
 * a lone operator, so the query means only that. A word glued to balanced parentheses is one
 * word (`sshd(pam_unix)`), not a word and a group.
 */
function scanWordOrField(text: string, start: number, out: Token[]): number {
  const n = text.length;
  let j = start;
  while (j < n) {
    const code = text.charCodeAt(j);
    if (isWs(code) || endsWord(code)) break;
    const o = j > start ? operatorAt(text, j) : null;
    if (o && isFieldName(text.slice(start, j))) return scanField(text, start, j, o, out);
    j++;
  }
  j = gluedParens(text, start, j);
  const word = text.slice(start, j);
  if (isFieldName(word) && word !== 'AND' && word !== 'OR' && word !== 'NOT') {
    // `status >= 500`, `status =500`: a name, spaces, then an operator before a value.
    let k = j;
    while (k < n && isWs(text.charCodeAt(k))) k++;
    const o = k > j ? operatorAt(text, k) : null;
    if (o && spacedOperator(text, o)) return scanField(text, start, j, o, out);
  }
  const kind =
    word === '*' ? 'star' : word === 'AND' ? 'and' : word === 'OR' ? 'or' : word === 'NOT' ? 'not' : 'word';
  out.push({ kind, text: word, pos: start, end: j });
  return j;
}

/**
 * True when an operator after a space reads as one: standing alone (`status >= 500`), glued to
 * a value after `:`, `=` or `!=` (`level =error`), or glued to a number after `<`, `>`
 * (`status >=500`). `error <none>` stays two words: `<none>` is text people search for.
 */
function spacedOperator(text: string, o: { op: ':' | CompareOp; end: number }): boolean {
  if (o.end >= text.length || isWs(text.charCodeAt(o.end))) return true;
  if (operatorAt(text, o.end) !== null) return false;
  if (o.op === ':') return true;
  const c = text.charCodeAt(o.end);
  const digit = (x: number) => x >= 48 && x <= 57;
  return digit(c) || ((c === 45 || c === 46) && digit(text.charCodeAt(o.end + 1)));
}

/** Emits `name op value` (with a `-` first for `!=`); spaces after the operator are skipped. */
function scanField(
  text: string,
  start: number,
  nameEnd: number,
  o: { op: ':' | CompareOp; negated: boolean; end: number },
  out: Token[],
): number {
  if (o.negated) out.push({ kind: 'minus', text: '-', pos: start, end: start });
  let end = o.end;
  // The value may follow after spaces, unless what follows is no value (an operator word, a group).
  let k = end;
  while (k < text.length && isWs(text.charCodeAt(k))) k++;
  if (k > end && k < text.length && startsValue(text, k)) end = k;
  out.push({ kind: 'field', text: text.slice(start, nameEnd), pos: start, end, op: o.op });
  return scanValue(text, end, o.op, out);
}

/** True when a value can start at `i`: not `(`, `)`, `|`, nor the words AND, OR, NOT. */
function startsValue(text: string, i: number): boolean {
  const c = text[i];
  if (c === '(' || c === ')' || c === '|') return false;
  const m = /^(AND|OR|NOT)(?=$|[\s()|])/.exec(text.slice(i, i + 4));
  return m === null;
}

/**
 * Where a word that ends at `end` really ends: past parentheses glued to it and balanced, with
 * no space inside (`sshd(pam_unix)`, `f(x(y))`); `end` itself otherwise. `AND(`, `OR(`, `NOT(`
 * keep their meaning.
 */
function gluedParens(text: string, start: number, end: number): number {
  if (end === start || text[end] !== '(') return end;
  const word = text.slice(start, end);
  if (word === 'AND' || word === 'OR' || word === 'NOT' || word === '-') return end;
  let depth = 0;
  let j = end;
  for (; j < text.length; j++) {
    const c = text[j];
    if (isWs(text.charCodeAt(j)) || c === '|' || c === '"') return end;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) break;
  }
  if (depth !== 0) return end;
  j++;
  // More of the word may follow the group (`f(x)y`), and another group after it.
  while (j < text.length && !isWs(text.charCodeAt(j)) && !endsWord(text.charCodeAt(j))) j++;
  return gluedParens(text, start, j);
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
  j = gluedParens(text, start, j);
  const word = text.slice(start, j);
  out.push({ kind: word === '*' ? 'star' : 'word', text: word, pos: start, end: j });
  return j;
}
