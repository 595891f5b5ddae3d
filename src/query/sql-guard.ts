/**
 * The read-only guard for raw SQL (`logpipe query --sql`): one SELECT/WITH/DESCRIBE/SHOW/EXPLAIN
 * statement that neither changes the store nor reaches outside it (files, URLs, other databases,
 * extensions). It scans the text like DuckDB's tokenizer (strings, quoted identifiers, comments)
 * and refuses whatever it cannot read unambiguously; a refusal is always safe, a misread is not.
 * It is one layer: the engine should also run such queries with external access disabled.
 */
import { QueryError } from '../core/errors.js';

/** Statement starts that only read. */
const ALLOWED_START = new Set(['SELECT', 'WITH', 'DESCRIBE', 'SHOW', 'EXPLAIN']);

/**
 * Keywords that write, change settings, load code or reach other databases, refused anywhere in
 * the text (after EXPLAIN, inside a CTE): a column named like one must be quoted.
 */
const FORBIDDEN_WORDS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'UPSERT',
  'CREATE',
  'DROP',
  'ALTER',
  'TRUNCATE',
  'ATTACH',
  'DETACH',
  'COPY',
  'PRAGMA',
  'SET',
  'RESET',
  'INSTALL',
  'LOAD',
  'EXPORT',
  'IMPORT',
  'CALL',
  'EXECUTE',
  'PREPARE',
  'DEALLOCATE',
  'VACUUM',
  'CHECKPOINT',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'INTO',
]);

/** Functions that read or write files or URLs, run SQL text, or reveal credentials. */
const FORBIDDEN_FUNCTIONS = new Set([
  'glob',
  'sniff_csv',
  'csv_scan',
  'parquet_scan',
  'json_scan',
  'query',
  'query_table',
  'json_execute_serialized_sql',
  'duckdb_secrets',
  'which_secret',
  'getenv',
  'load_aws_credentials',
  'st_read',
  'st_read_meta',
]);
const FORBIDDEN_FUNCTION_PREFIXES = [
  'read_',
  'write_',
  'parquet_',
  'sqlite_',
  'postgres_',
  'mysql_',
  'iceberg_',
  'delta_',
  'http_',
  'ducklake_',
  'arrow_',
  'pandas_',
];

/** Clause words that end a FROM list. */
const FROM_ENDS = new Set([
  'WHERE',
  'GROUP',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'HAVING',
  'QUALIFY',
  'WINDOW',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'ON',
  'USING',
  'SELECT',
  'SAMPLE',
]);

type TokKind = 'word' | 'qident' | 'string' | 'number' | 'punct';

interface Tok {
  kind: TokKind;
  /** Words upper-cased; quoted identifiers and strings decoded. */
  text: string;
  pos: number;
}

/** Throws QueryError unless `sql` is a single read-only statement. */
export function assertReadOnlySql(sql: string): void {
  const toks = scan(sql);
  const fail = (detail: string, pos: number): never => {
    throw new QueryError(detail, sql, pos);
  };
  // One statement: a `;` may only end the text.
  const semi = toks.findIndex((t) => t.kind === 'punct' && t.text === ';');
  if (semi !== -1 && toks.slice(semi + 1).some((t) => !(t.kind === 'punct' && t.text === ';'))) {
    fail('only one SQL statement is allowed', toks[semi].pos);
  }
  const body = semi === -1 ? toks : toks.slice(0, semi);
  if (body.length === 0) fail('expected a SELECT, WITH, DESCRIBE, SHOW or EXPLAIN statement', 0);
  const first = body[0];
  if (first.kind !== 'word' || !ALLOWED_START.has(first.text)) {
    fail(`only read-only SQL is allowed: expected SELECT, WITH, DESCRIBE, SHOW or EXPLAIN`, first.pos);
  }
  // A FROM list per parenthesis depth: true while inside one.
  const inFrom: boolean[] = [false];
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    const prev = i > 0 ? body[i - 1] : undefined;
    const next = body[i + 1];
    const depth = inFrom.length - 1;
    if (t.kind === 'punct') {
      if (t.text === '(') inFrom.push(false);
      else if (t.text === ')' && inFrom.length > 1) inFrom.pop();
      continue;
    }
    const call = next?.kind === 'punct' && next.text === '(';
    if (t.kind === 'qident' && call && isForbiddenFunction(t.text.toLowerCase())) {
      fail(`${t.text.toLowerCase()}() is not allowed: raw SQL may only read the store`, t.pos);
    }
    if (t.kind === 'word') {
      if (FORBIDDEN_WORDS.has(t.text)) fail(`${t.text} is not allowed: raw SQL is read-only`, t.pos);
      if (call && isForbiddenFunction(t.text.toLowerCase())) {
        fail(`${t.text.toLowerCase()}() is not allowed: raw SQL may only read the store`, t.pos);
      }
      if (t.text === 'FROM' || t.text === 'JOIN') inFrom[depth] = true;
      else if (FROM_ENDS.has(t.text)) inFrom[depth] = false;
    }
    // A string or a path-like quoted name where a table belongs is a file or URL to DuckDB.
    const tablePosition =
      prev !== undefined &&
      ((prev.kind === 'word' && ['FROM', 'JOIN', 'DESCRIBE', 'SHOW', 'TABLE'].includes(prev.text)) ||
        (inFrom[depth] && prev.kind === 'punct' && prev.text === ','));
    if (tablePosition && t.kind === 'string') fail('reading files or URLs is not allowed', t.pos);
    if (tablePosition && t.kind === 'qident' && /[./\\:*?]/.test(t.text)) {
      fail('reading files or URLs is not allowed', t.pos);
    }
  }
}

function isForbiddenFunction(name: string): boolean {
  const base = name.slice(name.lastIndexOf('.') + 1);
  return FORBIDDEN_FUNCTIONS.has(base) || FORBIDDEN_FUNCTION_PREFIXES.some((p) => base.startsWith(p));
}

/** Splits SQL into tokens, dropping comments; refuses what DuckDB might read differently. */
function scan(sql: string): Tok[] {
  const toks: Tok[] = [];
  const n = sql.length;
  const fail = (detail: string, pos: number): never => {
    throw new QueryError(detail, sql, pos);
  };
  let i = 0;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) fail('unterminated comment', i);
      // Engines disagree on nesting; a comment that could nest is refused rather than guessed.
      if (sql.slice(i + 2, end).includes('/*')) fail('nested comments are not allowed', i);
      i = end + 2;
      continue;
    }
    if (c === "'") {
      // A prefix letter (E'…', X'…') changes escaping rules: refuse rather than guess.
      if (i > 0 && /[A-Za-z0-9_]/.test(sql[i - 1])) fail('prefixed string literals are not allowed', i - 1);
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= n) fail('unterminated string', start);
        if (sql[i] === "'") {
          if (sql[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i++];
      }
      toks.push({ kind: 'string', text, pos: start });
      continue;
    }
    if (c === '"') {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= n) fail('unterminated quoted identifier', start);
        if (sql[i] === '"') {
          if (sql[i + 1] === '"') {
            text += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i++];
      }
      toks.push({ kind: 'qident', text, pos: start });
      continue;
    }
    if (c === '$') fail('dollar-quoted strings and $ parameters are not allowed', i);
    if (/[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127) {
      const start = i;
      while (i < n && (/[A-Za-z0-9_$]/.test(sql[i]) || sql.charCodeAt(i) > 127)) i++;
      const word = sql.slice(start, i);
      if (word.includes('$')) fail('dollar-quoted strings and $ parameters are not allowed', start);
      toks.push({ kind: 'word', text: word.toUpperCase(), pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const start = i;
      while (i < n && /[0-9._eE]/.test(sql[i])) i++;
      toks.push({ kind: 'number', text: sql.slice(start, i), pos: start });
      continue;
    }
    toks.push({ kind: 'punct', text: c, pos: i });
    i++;
  }
  // Qualified names (`main.read_csv`) read as one word for the function check.
  const out: Tok[] = [];
  for (const t of toks) {
    const a = out[out.length - 1];
    const b = out[out.length - 2];
    if (
      t.kind === 'word' &&
      a?.kind === 'punct' &&
      a.text === '.' &&
      b?.kind === 'word' &&
      a.pos === b.pos + b.text.length &&
      t.pos === a.pos + 1
    ) {
      out.length -= 2;
      out.push({ kind: 'word', text: `${b.text}.${t.text}`, pos: b.pos });
      continue;
    }
    out.push(t);
  }
  return out;
}
