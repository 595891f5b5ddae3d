#!/usr/bin/env node
/** The `logpipe` executable: one sub-command per component, each in its own file. */
import { Command } from 'commander';
import { watchSupervisor } from '../pipeline/orphan-watch.js';
import { handleClosedPipes } from './closed-pipe.js';
import { setVerbose } from './common.js';
import { moveDashQueries } from './dash-queries.js';
import { VERSION } from './version.js';

type Register = (program: Command) => void;

/**
 * Every sub-command, in the order `--help` lists them, each loaded only when needed. A command
 * module loads what its flags and help name (a generator's formats, the parsers' list), so
 * registering all of them loaded 161 modules on every start; a named command loads its own
 * file alone (a fresh `logpipe query`: 212 modules before, 2026-12-07), and `--help`, `help`
 * or a mistyped name load them all, for the list and the suggestion.
 */
const COMMANDS: Record<string, () => Promise<{ register: Register }>> = {
  generate: () => import('./generate.js'),
  collect: () => import('./collect.js'),
  parse: () => import('./parse.js'),
  store: () => import('./store.js'),
  query: () => import('./query.js'),
  tail: () => import('./tail.js'),
  fields: () => import('./fields.js'),
  run: () => import('./run.js'),
  up: () => import('./up.js'),
  status: () => import('./status.js'),
  verify: () => import('./verify.js'),
  completion: () => import('./completion.js'),
  ui: () => import('./ui.js'),
};

const program = new Command('logpipe')
  .description('Generate, collect, parse, store and query logs, end to end.')
  .version(VERSION, '-V, --version')
  .option('--verbose', 'show stack traces and debug detail on errors')
  .showSuggestionAfterError(true)
  .configureHelp({ sortSubcommands: false })
  .hook('preAction', (cmd) => setVerbose(Boolean(cmd.opts().verbose)));

const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
// `completion` writes its script from the whole command tree.
const wanted =
  named !== undefined && named !== 'completion' && Object.hasOwn(COMMANDS, named)
    ? [named]
    : Object.keys(COMMANDS);
for (const m of await Promise.all(wanted.map((name) => COMMANDS[name]()))) m.register(program);

program.addHelpText(
  'after',
  `
Examples:
  logpipe run                                   demo pipeline: generate, tail, parse, store
  logpipe query 'status>=500' --since 15m       search what the pipeline stored
  logpipe generate --count 1000 --format json | logpipe parse | logpipe store --data-dir D`,
);

// A component `logpipe up` started stops when that supervisor is gone, whatever killed it.
watchSupervisor();
const argv = moveDashQueries(process.argv, program, ['query', 'tail', 'fields']);
handleClosedPipes(named);
await program.parseAsync(argv);
