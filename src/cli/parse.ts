/** `logpipe parse`: Parse log lines (or collector NDJSON) into events as NDJSON. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'parse', 'Parse log lines (or collector NDJSON) into events as NDJSON');
}
