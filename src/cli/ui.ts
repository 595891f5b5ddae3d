/** `logpipe ui`: Serve the web UI. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'ui', 'Serve the web UI');
}
