/**
 * Negation is the commonest filter, and a query that starts with it (`logpipe query
 * '-path:/health'`, `'-status:200 | count'`) looks like an option to any argument parser:
 * commander reports "unknown option", or reads `-status…` as `-s tatus…`. Before commander sees
 * the arguments, this moves such a query behind a `--`, where it is a positional argument.
 *
 * An argument is taken for a query when it starts with one `-` and is not an option of the
 * command: not a long option, not a known short flag, not a cluster of known boolean short flags
 * (`-q`), and not a short option with its value attached unless that value could not be one
 * (a query has `:`, a comparison, a quote, a wildcard, a pipe, a bracket or a space in it, which
 * no value of `-d`, `-s`, `-n` or `-f` does, so `-d/tmp/x` and `-n5` stay options).
 */
import type { Command, Option } from 'commander';

/** Commander's help flag, which is not among a command's options until help is shown. */
const HELP = '-h';

/** Characters a query has and the values of short options never do. */
const QUERY_CHARS = /[:=<>*"'|() ]/;

/**
 * Returns `argv` (node, script, args…) with every query that starts with `-` in the commands
 * named in `commands` moved behind `--`; any other argv is returned unchanged.
 */
export function moveDashQueries(argv: string[], program: Command, commands: readonly string[]): string[] {
  const args = argv.slice(2);
  const at = args.findIndex((a) => !a.startsWith('-'));
  if (at < 0 || !commands.includes(args[at])) return argv;
  const command = program.commands.find((c) => c.name() === args[at]);
  if (!command) return argv;
  const options = [...command.options, ...program.options];
  const kept: string[] = [];
  const queries: string[] = [];
  let rest: string[] = [];
  for (let i = at + 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      rest = args.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      kept.push(a);
      const opt = options.find((o) => o.long === (a.includes('=') ? a.slice(0, a.indexOf('=')) : a));
      if (opt && takesValue(opt) && !a.includes('=') && i + 1 < args.length) kept.push(args[++i]);
      continue;
    }
    if (a.length > 1 && a.startsWith('-')) {
      const short = options.find((o) => o.short === a.slice(0, 2));
      if (isOptionToken(a, short, options)) {
        kept.push(a);
        if (a.length === 2 && short && takesValue(short) && i + 1 < args.length) kept.push(args[++i]);
        continue;
      }
      queries.push(a);
      continue;
    }
    kept.push(a);
  }
  if (queries.length === 0) return argv;
  return [...argv.slice(0, 2), ...args.slice(0, at + 1), ...kept, '--', ...queries, ...rest];
}

function takesValue(opt: Option): boolean {
  return opt.required || opt.optional;
}

/** True when commander would take `a` (one leading `-`) for options of this command. */
function isOptionToken(a: string, short: Option | undefined, options: readonly Option[]): boolean {
  if (a.length === 2) return short !== undefined || a === HELP;
  if (short && takesValue(short)) return !QUERY_CHARS.test(a.slice(2));
  // A cluster such as `-qv`: every letter a known flag that takes no value.
  for (let k = 1; k < a.length; k++) {
    if (`-${a[k]}` === HELP) continue;
    const opt = options.find((o) => o.short === `-${a[k]}`);
    if (!opt || takesValue(opt)) return false;
  }
  return true;
}
