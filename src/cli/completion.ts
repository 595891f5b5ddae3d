/**
 * `logpipe completion bash|zsh`: prints a shell completion script for logpipe's commands, their
 * options, and the values options take (output and log formats, zones, files and directories).
 * The script is written from the command tree itself, so it always matches this logpipe.
 */
import type { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { GENERATOR_FORMATS } from '../generator/index.js';
import { OUTPUT_FORMATS } from '../query/index.js';
import { action } from './common.js';
import { bashScript, type CompletionSpec, type ValueKind, zshScript } from './completion-scripts.js';

const SHELLS = ['bash', 'zsh'] as const;

export function register(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash or zsh)')
    .argument('<shell>', `the shell: ${SHELLS.join(' or ')}`)
    .addHelpText(
      'after',
      `
Completes commands, options, and option values: output formats, log formats, time zones,
files and directories.

Examples:
  source <(logpipe completion bash)                       this shell only
  logpipe completion bash > ~/.local/share/bash-completion/completions/logpipe
  logpipe completion zsh > "\${fpath[1]}/_logpipe"          then start a new zsh
  source <(logpipe completion zsh)                        this zsh only (after compinit)`,
    )
    .action(
      action(async (shell: string) => {
        if (!(SHELLS as readonly string[]).includes(shell)) {
          throw new UsageError(`completion: unknown shell "${shell}"; expected ${SHELLS.join(' or ')}`);
        }
        const spec = await completionSpec(program);
        process.stdout.write(shell === 'bash' ? bashScript(spec) : zshScript(spec));
      }),
    );
}

/** Options whose value is a directory, a file, or a word from a list (by command). */
const DIRECTORIES = new Set(['--data-dir']);
const FILES = new Set(['--config', '--output', '--import', '--manifest', '--patterns', '--path']);

/** The command tree as the scripts need it. */
export async function completionSpec(program: Command): Promise<CompletionSpec> {
  const { PARSER_FORMATS } = await import('../parser/index.js');
  const zones = ['UTC', 'local', ...Intl.supportedValuesOf('timeZone')];
  const lists: Record<string, Record<string, readonly string[]>> = {
    query: { '--format': OUTPUT_FORMATS },
    tail: { '--format': OUTPUT_FORMATS },
    fields: { '--format': ['table', 'json'] },
    generate: { '--format': GENERATOR_FORMATS, '--rotate-mode': ['rename', 'copytruncate'] },
    parse: { '--format': ['auto', ...PARSER_FORMATS], '--input': ['auto', 'lines', 'raw'] },
    collect: { '--format': PARSER_FORMATS, '--multiline': ['auto', 'java', 'python', 'pattern'] },
    store: {
      '--format': PARSER_FORMATS,
      '--input': ['auto', 'events', 'raw', 'lines'],
      '--multiline': ['auto', 'java', 'python', 'off'],
    },
    completion: {},
  };
  const kindOf = (cmd: string, o: Option): ValueKind => {
    const long = o.long ?? '';
    if (!o.required && !o.optional) return { kind: 'none' };
    const list = lists[cmd]?.[long] ?? o.argChoices;
    if (list) return { kind: 'words', words: [...list] };
    if (long === '--tz') return { kind: 'words', words: zones };
    if (DIRECTORIES.has(long)) return { kind: 'directory' };
    if (FILES.has(long)) return { kind: 'file' };
    return { kind: 'any' };
  };
  const optionsOf = (name: string, cmd: Command) => [
    ...cmd.options
      .filter((o) => !o.hidden)
      .map((o) => ({
        names: [o.short, o.long].filter((n): n is string => typeof n === 'string'),
        description: o.description,
        value: kindOf(name, o),
      })),
    { names: ['-h', '--help'], description: 'display help', value: { kind: 'none' } as ValueKind },
  ];
  return {
    program: program.name(),
    global: optionsOf('', program),
    commands: program.commands.map((c) => ({
      name: c.name(),
      description: c.description(),
      options: optionsOf(c.name(), c),
      arguments:
        c.name() === 'completion'
          ? [...SHELLS]
          : c.name() === 'help'
            ? program.commands.map((x) => x.name())
            : [],
    })),
  };
}
