/** What the long-running component commands share: their logger and waiting for a stop signal. */
import { join, resolve } from 'node:path';
import { componentLogger, type Logger } from '../core/log.js';

/** The component's logger: JSON lines in `<data-dir>/logs/<component>.log`, readable lines on stderr. */
export function serviceLogger(dataDir: string, component: string, quiet?: boolean): Logger {
  return componentLogger(join(resolve(dataDir), 'logs'), component, { quiet });
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM. */
export function untilStopped(): Promise<string> {
  return new Promise((r) => {
    const on = (sig: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      r(sig);
    };
    const onInt = () => on('SIGINT');
    const onTerm = () => on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}
