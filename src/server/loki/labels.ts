/**
 * A Prometheus label set as Loki writes a stream's labels: `{job="varlogs", host="web-1"}`. Names
 * are `[a-zA-Z_][a-zA-Z0-9_]*`; values are double-quoted with `\\`, `\"` and `\n` escapes. Read in
 * one pass; anything else is a UserError naming where it went wrong.
 */
import { UserError } from '../../core/errors.js';

/** The labels of `text`, in order; `path` names the text in an error. */
export function parseLabels(text: string, path: string): [string, string][] {
  const out: [string, string][] = [];
  let i = skipSpace(text, 0);
  if (text[i] !== '{') throw bad(path, i, 'expected "{"');
  i = skipSpace(text, i + 1);
  if (text[i] === '}') return end(text, i, path, out);
  for (;;) {
    const nameStart = i;
    while (i < text.length && isNameChar(text.charCodeAt(i), i === nameStart)) i++;
    if (i === nameStart) throw bad(path, i, 'expected a label name');
    const name = text.slice(nameStart, i);
    i = skipSpace(text, i);
    if (text[i] !== '=') throw bad(path, i, `expected "=" after ${name}`);
    i = skipSpace(text, i + 1);
    if (text[i] !== '"') throw bad(path, i, `expected the quoted value of ${name}`);
    i++;
    let value = '';
    let from = i;
    for (;;) {
      if (i >= text.length) throw bad(path, i, `the value of ${name} is not closed`);
      const c = text[i];
      if (c === '"') break;
      if (c === '\\') {
        const n = text[i + 1];
        const escaped = n === 'n' ? '\n' : n === '\\' || n === '"' ? n : null;
        if (escaped === null) throw bad(path, i, `unknown escape in the value of ${name}`);
        value += text.slice(from, i) + escaped;
        i += 2;
        from = i;
        continue;
      }
      i++;
    }
    value += text.slice(from, i);
    out.push([name, value]);
    i = skipSpace(text, i + 1);
    if (text[i] === '}') return end(text, i, path, out);
    if (text[i] !== ',') throw bad(path, i, 'expected "," or "}"');
    i = skipSpace(text, i + 1);
  }
}

function end(text: string, i: number, path: string, out: [string, string][]): [string, string][] {
  if (skipSpace(text, i + 1) !== text.length) throw bad(path, i + 1, 'text after "}"');
  return out;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function isNameChar(c: number, first: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (!first && c >= 48 && c <= 57);
}

function bad(path: string, at: number, what: string): UserError {
  return new UserError(`${path}: not a label set: ${what} at character ${at + 1}`);
}
