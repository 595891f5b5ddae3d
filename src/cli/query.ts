/** `logpipe query`: Search and analyse stored events. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'query', 'Search and analyse stored events');
}
