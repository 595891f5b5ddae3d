/** `logpipe status`: Show each component state, throughput and lag. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'status', 'Show each component state, throughput and lag');
}
