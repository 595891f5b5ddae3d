/**
 * Free-text terms searched together: the text terms of one OR (and the negated ones of one AND),
 * from TOGETHER_FROM on, become one condition: a regex alternation of their lowercased needles
 * per text searched. A row's line is then built and lowercased once, whatever the number of
 * terms. Planned one by one, 1,000 OR'd words were 1,000 conditions each lowercasing the
 * (rebuilt) line again: minutes for the engine to plan, and gigabytes of per-term vectors to run,
 * out of reach of its memory limit and of its interrupt.
 *
 * The alternation matches where one of the terms' searches would: each needle is written as a
 * literal (a wildcard's `*` as any run of characters, newlines included, as LIKE's `%`), and the
 * text is lowercased as the single-term search lowercases it. No case-insensitive regex flag:
 * RE2's case folding is not the engine's lower().
 */
import type { Dialect } from '../../core/dialect.js';
import type { TextExpr } from '../ast.js';
import { lowerLikeStore } from '../lowercase.js';
import { cat, type Frag, frag, type Param } from './sql-frag.js';
import { withStoredLine } from './stored-line.js';

/**
 * Text terms of one OR searched together from this many on. Fewer are searched one by one: a
 * contains() is some ten times cheaper than a regex, so one regex pass over a 100k-line store
 * took about the CPU of eight to twelve single-term searches (250-350 ms).
 */
export const TOGETHER_FROM = 10;

interface Needle {
  /** The lowercased text searched for. */
  text: string;
  wildcard: boolean;
  /** True when the term has no cased characters: the text need not be lowercased. */
  caseless: boolean;
}

/** One condition true where any of `terms` matches the line. */
export function anyTextSql(d: Dialect, terms: readonly TextExpr[]): Frag {
  const needles = terms.map((t): Needle => {
    const text = lowerLikeStore(t.text);
    return { text, wildcard: t.wildcard, caseless: text === t.text.toUpperCase() };
  });
  const caseless = needles.every((n) => n.caseless);
  const low = (expr: string) => (caseless ? expr : d.lower(expr));
  const pattern = alternation(needles.map(needleRegex));
  const searchIn = (raw: string): Frag =>
    frag(
      `(${d.regexParam(low(d.ident('message')), false)} OR ${d.regexParam(low(raw), false)})`,
      pattern,
      pattern,
    );
  // Lines kept with a part cut out are searched as stored only where every needle may be.
  const search = withStoredLine(d, needles, searchIn(d.ident('raw')), searchIn);
  return withRebuiltParts(d, needles, low, search);
}

/**
 * As the single-term search does (search.ts), rows whose line is rebuilt are first looked at
 * through the parts of their line: per part, one alternation of the runs that part may hold. A
 * needle that is its own run matches where a piece of the line holds it; any other match holds a
 * run inside a part, so rows where no part holds one are skipped before their line is built.
 */
function withRebuiltParts(d: Dialect, needles: Needle[], low: (expr: string) => string, search: Frag): Frag {
  const exact = new Map<string, Set<string>>();
  const guard = new Map<string, Set<string>>();
  let rebuilt = '';
  for (const n of needles) {
    const g = d.rebuiltParts?.(n.text, n.wildcard);
    // A term every rebuilt line may match (no run to look for): every line is built anyway.
    if (!g) return search;
    rebuilt = g.rebuilt;
    const literal = escapeRegex(g.run);
    if (g.run === n.text && !n.wildcard) {
      for (const p of g.exact) add(exact, p, literal);
      for (const p of g.loose) add(guard, p, literal);
    } else for (const p of [...g.exact, ...g.loose]) add(guard, p, literal);
  }
  const any = (parts: Map<string, Set<string>>): Frag => {
    const texts = [...parts.keys()];
    const params: Param[] = texts.map((p) => alternation([...parts.get(p)!]));
    return frag(`coalesce(${texts.map((p) => d.regexParam(low(p), false)).join(' OR ')}, FALSE)`, ...params);
  };
  // CASE, not AND/OR: a branch is evaluated only where the ones before did not hold (search.ts).
  const arms: Frag[] = [frag(`(CASE WHEN NOT ${rebuilt} THEN `), search];
  if (exact.size > 0) arms.push(frag(' WHEN '), any(exact), frag(' THEN TRUE'));
  if (guard.size > 0) arms.push(frag(' WHEN '), any(guard), frag(' THEN '), search);
  arms.push(frag(' ELSE FALSE END)'));
  return cat(...arms);
}

function add(parts: Map<string, Set<string>>, part: string, literal: string): void {
  const set = parts.get(part);
  if (set === undefined) parts.set(part, new Set([literal]));
  else set.add(literal);
}

/** Distinct alternatives, in order, as one RE2 alternation. */
function alternation(alternatives: string[]): string {
  return [...new Set(alternatives)].join('|');
}

/** A needle as RE2: its text literally, a wildcard's `*` as any run of characters. */
function needleRegex(n: Needle): string {
  if (!n.wildcard) return escapeRegex(n.text);
  return n.text.split('*').map(escapeRegex).join('(?s:.*)');
}

/**
 * `text` as an RE2 pattern matching it literally: ASCII punctuation behind a backslash, control
 * characters as `\x{..}`; letters, digits, `_`, spaces and non-ASCII characters as they are.
 */
export function escapeRegex(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) out += `\\x{${code.toString(16)}}`;
    else if (code < 0x80 && /[^A-Za-z0-9 _]/.test(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}
