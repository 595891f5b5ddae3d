/** `logpipe run`: Run the whole pipeline in one process. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'run', 'Run the whole pipeline in one process');
}
