/**
 * Every query the README, `logpipe query --help` and the query language page show returns
 * something on the demo's data (issue #29 §1): examples are read from the texts themselves, run
 * as a user runs them over a store filled by the demo's generators, and each must give rows.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { demoStore } from '../helpers/demo-store.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The words of a shell command line, quotes removed, up to an unquoted `|` or `#` (what follows
 * goes to another program, or is a comment) or a gap of two spaces after a word (help texts put
 * a note there). Enough shell for the examples: '…', "…", spaces.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unclosed ${c} in: ${line}`);
      cur = (cur ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === ' ' || c === '\t') {
      if (cur !== null) words.push(cur);
      cur = null;
      if (words.length > 0 && (line[i + 1] === ' ' || line[i + 1] === '\t')) break;
    } else if (c === '|' || c === '#') {
      break;
    } else {
      cur = (cur ?? '') + c;
    }
  }
  if (cur !== null) words.push(cur);
  return words;
}

/** The arguments after `query` of every `logpipe query` command line in `lines`. */
function queryCommands(lines: string[]): string[][] {
  const out: string[][] = [];
  for (const line of lines) {
    const words = shellWords(line.trim());
    const at = words.findIndex((w, i) => w === 'query' && words[i - 1] === 'logpipe');
    const npmAt = words.findIndex(
      (w, i) => w === 'query' && words[i - 1] === '--' && words.includes('logpipe'),
    );
    const i = at >= 0 ? at : npmAt;
    if (i < 0) continue;
    const args = words.slice(i + 1);
    // The example's own data dir is a placeholder (`--data-dir D`); the test's store replaces it.
    const d = args.findIndex((a) => a === '--data-dir' || a === '-d');
    if (d >= 0) args.splice(d, 2);
    out.push(args);
  }
  return out;
}

/** The lines of the README's fenced shell blocks. */
function readmeLines(): string[] {
  const text = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n'));
}

/** The query language page's first examples: its first indented block, one query a line. */
function languagePageQueries(): string[] {
  const text = readFileSync(resolve(ROOT, 'docs/query-language.md'), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('    '));
  const out: string[] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('    '); i++) out.push(lines[i].trim());
  return out;
}

describe('documented example queries on the demo data', () => {
  let data: string;
  const cases: { where: string; args: string[] }[] = [];

  beforeAll(async () => {
    data = await demoStore();
    for (const args of queryCommands(readmeLines())) cases.push({ where: 'README.md', args });
    const help = await runCli(['query', '--help']);
    const examples = help.stdout.slice(help.stdout.indexOf('Examples:')).split('\n');
    for (const args of queryCommands(examples)) cases.push({ where: 'query --help', args });
    for (const q of languagePageQueries()) cases.push({ where: 'docs/query-language.md', args: [q] });
  }, 180_000);

  it('finds the examples in each text', () => {
    const count = (where: string) => cases.filter((c) => c.where === where).length;
    expect(count('README.md')).toBeGreaterThanOrEqual(4);
    expect(count('query --help')).toBeGreaterThanOrEqual(5);
    expect(count('docs/query-language.md')).toBeGreaterThanOrEqual(6);
  });

  it('each returns at least one row, with nothing on stderr', async () => {
    const empty: string[] = [];
    for (const { where, args } of cases) {
      // A later --format wins, so the example's own (table, ndjson) gives way to JSON here.
      const r = await runCli(['query', ...args, '--data-dir', data, '--format', 'json']);
      const what = `${where}: logpipe query ${args.join(' ')}`;
      expect(r.stderr, what).toBe('');
      expect(r.code, what).toBe(0);
      const rows = JSON.parse(r.stdout) as unknown[];
      if (rows.length === 0) empty.push(what);
    }
    expect(empty).toEqual([]);
  }, 180_000);
});

describe('shellWords', () => {
  it('reads quotes and stops at a pipe, a comment or a note', () => {
    expect(shellWords(`  logpipe query 'a  b' -n 5     the first five`)).toEqual([
      'logpipe',
      'query',
      'a  b',
      '-n',
      '5',
    ]);
    expect(shellWords(`npx logpipe query 'a | b' --since 5m | jq .x`)).toEqual([
      'npx',
      'logpipe',
      'query',
      'a | b',
      '--since',
      '5m',
    ]);
    expect(shellWords(`logpipe query 'x "y"' -d D  # note`)).toEqual([
      'logpipe',
      'query',
      'x "y"',
      '-d',
      'D',
    ]);
  });
});
