#!/usr/bin/env node
/** The `logpipe` executable: one sub-command per component, each in its own file. */
import { Command } from 'commander';
import { watchSupervisor } from '../pipeline/orphan-watch.js';
import { handleClosedPipes } from './closed-pipe.js';
import { register as collect } from './collect.js';
import { setVerbose } from './common.js';
import { register as completion } from './completion.js';
import { moveDashQueries } from './dash-queries.js';
import { register as fields } from './fields.js';
import { register as generate } from './generate.js';
import { register as parse } from './parse.js';
import { register as query } from './query.js';
import { register as run } from './run.js';
import { register as status } from './status.js';
import { register as store } from './store.js';
import { register as tail } from './tail.js';
import { register as ui } from './ui.js';
import { register as up } from './up.js';
import { register as verify } from './verify.js';
import { VERSION } from './version.js';

const program = new Command('logpipe')
  .description('Generate, collect, parse, store and query logs, end to end.')
  .version(VERSION, '-V, --version')
  .option('--verbose', 'show stack traces and debug detail on errors')
  .showSuggestionAfterError(true)
  .configureHelp({ sortSubcommands: false })
  .hook('preAction', (cmd) => setVerbose(Boolean(cmd.opts().verbose)));

for (const r of [
  generate,
  collect,
  parse,
  store,
  query,
  tail,
  fields,
  run,
  up,
  status,
  verify,
  completion,
  ui,
])
  r(program);

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
handleClosedPipes(argv.slice(2).find((a) => !a.startsWith('-')));
await program.parseAsync(argv);
