/**
 * Level words as they appear inside text lines (`INFO`, `[warn]`, `Error:`, klog's `I`): a table
 * lookup on a token, no regex, so the text parsers and the fallback can test tokens cheaply.
 */
import type { Level } from '../core/events.js';

const WORDS: [Level, string[]][] = [
  ['trace', ['trace', 'trc', 'finest', 'finer', 'verbose']],
  ['debug', ['debug', 'dbg', 'fine', 'config']],
  ['info', ['info', 'inf', 'information', 'informational', 'notice', 'note']],
  ['warn', ['warn', 'warning', 'wrn']],
  ['error', ['error', 'err', 'severe']],
  ['fatal', ['fatal', 'ftl', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'panic']],
];

const TABLE = new Map<string, Level>();
for (const [level, words] of WORDS) {
  for (const w of words) {
    TABLE.set(w, level);
    TABLE.set(w.toUpperCase(), level);
    TABLE.set(w[0].toUpperCase() + w.slice(1), level);
  }
}

// Upper case only: PostgreSQL's severities (`LOG:`, `DEBUG1:`..`DEBUG5:`), too common as words in
// lower case.
for (const [w, level] of [
  ['LOG', 'info'],
  ['DEBUG1', 'debug'],
  ['DEBUG2', 'debug'],
  ['DEBUG3', 'debug'],
  ['DEBUG4', 'debug'],
  ['DEBUG5', 'debug'],
] as const) {
  TABLE.set(w, level);
}

/** Single-letter levels (klog/glog, logcat, Java util logging abbreviations): upper case only. */
const LETTERS: Record<string, Level> = {
  V: 'trace',
  T: 'trace',
  D: 'debug',
  I: 'info',
  N: 'info',
  W: 'warn',
  E: 'error',
  F: 'fatal',
  A: 'fatal',
  C: 'fatal',
};

/** The level a whole word names (any of upper, lower or Capitalised case), or undefined. */
export function levelWord(word: string): Level | undefined {
  return TABLE.get(word);
}

/** The level a single upper-case letter names (`I`, `W`, `E`, `F`, `D`, `V`...), or undefined. */
export function levelLetter(ch: string): Level | undefined {
  return LETTERS[ch];
}

/**
 * The level of the token `s[start, end)` once brackets and a trailing colon are stripped:
 * `INFO`, `[warn]`, `<ERROR>`, `error:`. Single letters are not accepted here (too ambiguous in
 * free text). Undefined when the token is not a level.
 */
export function levelToken(s: string, start: number, end: number): Level | undefined {
  let a = start;
  let b = end;
  const c = s.charCodeAt(a);
  if (c === 91 || c === 40 || c === 60) a++;
  let d = s.charCodeAt(b - 1);
  if (d === 58) d = s.charCodeAt(--b - 1);
  if (d === 93 || d === 41 || d === 62) b--;
  if (b - a < 3 || b - a > 13) return undefined;
  const word = s.slice(a, b);
  // MySQL 8 marks start and stop lines `[System]`: a level only in brackets.
  if (a > start && word === 'System') return 'info';
  return TABLE.get(word);
}
