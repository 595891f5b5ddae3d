/** `logpipe tail`: Follow new events matching a query, live. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'tail', 'Follow new events matching a query, live');
}
