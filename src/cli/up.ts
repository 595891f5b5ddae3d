/** `logpipe up`: Run each component as its own supervised process. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'up', 'Run each component as its own supervised process');
}
