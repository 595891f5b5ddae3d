/**
 * The bash and zsh completion scripts `logpipe completion` prints, from a command tree. Both find
 * the command as the first word after `logpipe` that is not an option, complete the value of the
 * option before the cursor when it takes one, and otherwise the command's options (or, before
 * any command, the commands).
 */

/** What an option's value completes to. */
export type ValueKind =
  | { kind: 'none' }
  | { kind: 'any' }
  | { kind: 'file' }
  | { kind: 'directory' }
  | { kind: 'words'; words: string[] };

export interface CompletionOption {
  /** `-f`, `--format`. */
  names: string[];
  description: string;
  value: ValueKind;
}

export interface CompletionSpec {
  program: string;
  global: CompletionOption[];
  commands: {
    name: string;
    description: string;
    options: CompletionOption[];
    /** Words for the first argument (the shell of `completion`), if any. */
    arguments: string[];
  }[];
}

/** A shell word in single quotes. */
function quoted(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function fn(spec: CompletionSpec): string {
  return `_${spec.program.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** `case` arms completing option values in bash (`prev` is the word before the cursor). */
function bashValues(options: CompletionOption[]): string {
  const arms: string[] = [];
  for (const o of options) {
    const v = o.value;
    if (v.kind === 'none') continue;
    const body =
      v.kind === 'words'
        ? `COMPREPLY=($(compgen -W ${quoted(v.words.join(' '))} -- "$cur"))`
        : v.kind === 'file'
          ? 'COMPREPLY=($(compgen -f -- "$cur"))'
          : v.kind === 'directory'
            ? 'COMPREPLY=($(compgen -d -- "$cur"))'
            : 'COMPREPLY=()';
    arms.push(`        ${o.names.join('|')}) ${body}; return ;;`);
  }
  return arms.join('\n');
}

/** The bash script: `source <(logpipe completion bash)`. */
export function bashScript(spec: CompletionSpec): string {
  const name = fn(spec);
  const words = (os: CompletionOption[]) => os.flatMap((o) => o.names).join(' ');
  const commands = spec.commands.map((c) => c.name).join(' ');
  const arms = spec.commands
    .map((c) => {
      const args = c.arguments.length > 0 ? ` ${c.arguments.join(' ')}` : '';
      return [
        `    ${c.name})`,
        '      case "$prev" in',
        bashValues(c.options),
        '      esac',
        `      COMPREPLY=($(compgen -W ${quoted(words(c.options) + args)} -- "$cur"))`,
        '      ;;',
      ]
        .filter((l) => l !== '')
        .join('\n');
    })
    .join('\n');
  return `# bash completion for ${spec.program}: source <(${spec.program} completion bash)
${name}() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev=""
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$cmd" in
    "")
      COMPREPLY=($(compgen -W ${quoted(`${commands} ${words(spec.global)}`)} -- "$cur"))
      ;;
${arms}
    *)
      COMPREPLY=()
      ;;
  esac
}
complete -o default -F ${name} ${spec.program}
`;
}

/** `name:description` entries for zsh's _describe (colons in names escaped). */
function describeEntries(items: { name: string; description: string }[]): string {
  return items
    .map((i) => `    ${quoted(`${i.name.replaceAll(':', '\\:')}:${i.description.replace(/\s+/g, ' ')}`)}`)
    .join('\n');
}

function zshValues(options: CompletionOption[]): string {
  const arms: string[] = [];
  for (const o of options) {
    const v = o.value;
    if (v.kind === 'none') continue;
    const body =
      v.kind === 'words'
        ? `compadd -- ${v.words.map(quoted).join(' ')}`
        : v.kind === 'file'
          ? '_files'
          : v.kind === 'directory'
            ? '_files -/'
            : `_message ${quoted(o.description.split(/[;(:]/)[0].trim() || 'value')}`;
    arms.push(`        ${o.names.join('|')}) ${body}; return ;;`);
  }
  return arms.join('\n');
}

/** The zsh script: a `#compdef` file for $fpath, or `source <(logpipe completion zsh)`. */
export function zshScript(spec: CompletionSpec): string {
  const name = fn(spec);
  const optionEntries = (os: CompletionOption[]) =>
    describeEntries(os.flatMap((o) => o.names.map((n) => ({ name: n, description: o.description }))));
  const arms = spec.commands
    .map((c) => {
      const args =
        c.arguments.length > 0
          ? `      [[ $cur != -* ]] && { compadd -- ${c.arguments.map(quoted).join(' ')}; return; }\n`
          : '';
      return [
        `    ${c.name})`,
        '      case $prev in',
        zshValues(c.options),
        '      esac',
        `${args}      local -a opts=(`,
        optionEntries(c.options),
        '      )',
        "      _describe -t options 'option' opts",
        '      ;;',
      ]
        .filter((l) => l !== '')
        .join('\n');
    })
    .join('\n');
  return `#compdef ${spec.program}
# zsh completion for ${spec.program}: put this file on $fpath as _${spec.program}, or source <(${spec.program} completion zsh)
${name}() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} cmd= i
  for (( i = 2; i < CURRENT; i++ )); do
    case \${words[i]} in
      -*) ;;
      *) cmd=\${words[i]}; break ;;
    esac
  done
  case $cmd in
    '')
      local -a cmds=(
${describeEntries(spec.commands)}
      )
      local -a opts=(
${optionEntries(spec.global)}
      )
      if [[ $cur == -* ]]; then _describe -t options 'option' opts; else _describe -t commands 'command' cmds; fi
      ;;
${arms}
  esac
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  ${name} "$@"
else
  compdef ${name} ${spec.program}
fi
`;
}
