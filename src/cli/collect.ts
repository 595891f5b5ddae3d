/** `logpipe collect`: Tail log files and emit raw events as NDJSON. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'collect', 'Tail log files and emit raw events as NDJSON');
}
