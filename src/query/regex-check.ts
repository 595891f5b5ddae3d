/**
 * Regexes are run by the store's engine (RE2), which accepts less than JavaScript does. This finds
 * what RE2 would refuse, so the query fails while parsing, with a position, instead of in the
 * store: look-arounds, back-references, named groups, escapes RE2 does not know, empty classes,
 * repetition counts over 1000, and what does not compile at all.
 */

/** Escapes (after `\`) that mean the same in RE2 and JavaScript. */
const KNOWN_ESCAPE_LETTERS = 'dDsSwWbBnrtfvx';

/** What is wrong with a regex for RE2, with its offset in `source`; undefined when it is fine. */
export function regexProblem(source: string): { detail: string; index: number } | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined) return { detail: 'invalid regex: a trailing \\ escapes nothing', index: i };
      if (n >= '1' && n <= '9') return { detail: 'regex back-references are not supported', index: i };
      const letter = /[A-Za-z]/.test(n);
      if ((letter && !KNOWN_ESCAPE_LETTERS.includes(n)) || n.charCodeAt(0) > 127) {
        return { detail: `the regex escape "\\${n}" is not supported`, index: i };
      }
      if (n === 'b' && inClass)
        return { detail: 'the regex escape "\\b" is not supported inside [...]', index: i };
      if (n === 'x' && !/^(?:[0-9A-Fa-f]{2}|\{[0-9A-Fa-f]+\})/.test(source.slice(i + 2))) {
        return { detail: 'expected two hex digits after "\\x" in the regex', index: i };
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      const rest = source.slice(i + 1);
      // RE2 reads `[]a]` as a class holding `]`, JavaScript as an empty class: refuse both readings.
      if (rest.startsWith(']') || rest.startsWith('^]')) {
        return { detail: 'empty regex character classes ("[]", "[^]") are not supported', index: i };
      }
      inClass = true;
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4);
      if (kind[0] === '=' || kind[0] === '!' || kind === '<=' || kind === '<!') {
        return {
          detail: `regex lookarounds like "(?${kind[0] === '<' ? kind : kind[0]}" are not supported`,
          index: i,
        };
      }
      if (kind[0] === '<') return { detail: 'named regex groups are not supported; use (...)', index: i };
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i));
      if (m && (Number(m[1]) > 1000 || Number(m[2] || 0) > 1000)) {
        return { detail: 'regex repetition counts above 1000 are not supported', index: i };
      }
    }
  }
  try {
    new RegExp(source);
  } catch (err) {
    const why = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
    return { detail: `invalid regex: ${why}`, index: -1 };
  }
  return undefined;
}
