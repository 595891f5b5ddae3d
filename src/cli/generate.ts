/** `logpipe generate`: Write realistic logs at an exact rate. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'generate', 'Write realistic logs at an exact rate');
}
