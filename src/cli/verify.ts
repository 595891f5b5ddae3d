/** `logpipe verify`: Compare a generator manifest with what the store holds. */
import type { Command } from 'commander';
import { registerPlanned } from './planned.js';

export function register(program: Command): void {
  registerPlanned(program, 'verify', 'Compare a generator manifest with what the store holds');
}
