/** Commands that later work will build: listed in --help, and honest when run. */
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { action } from './common.js';

/** Registers a command that says plainly it is not available yet, and exits non-zero. */
export function registerPlanned(program: Command, name: string, description: string): void {
  program
    .command(name)
    .description(`${description} (not available yet)`)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(
      action(() => {
        throw new UserError(`"logpipe ${name}" is not available yet in this version`);
      }),
    );
}
