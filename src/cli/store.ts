/** `logpipe store`: Store events (NDJSON or log lines from stdin) in the embedded database. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'store', 'Store events (NDJSON or log lines from stdin) in the embedded database');
}
