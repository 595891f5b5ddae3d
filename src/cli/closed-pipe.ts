/**
 * A reader that goes away (`logpipe query '*' | head -1`) ends a command quietly, as it ends
 * `grep` or `cat`: no `write EPIPE`, no stack trace. Commands that only answer (query, tail,
 * status, verify) exit at once with their exit code so far; the long-running ones (run, store,
 * up, collect, generate, parse) keep working and stop writing there: their own handlers decide
 * what a closed stdout means for them, and a closed stderr must never stop a store.
 */

/** Commands whose whole job is their output: a closed pipe ends them. */
const ANSWERING = new Set(['query', 'tail', 'status', 'verify', 'fields']);

/** True for the errors a write to a closed pipe raises. */
export function isClosedPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** Installs the closed-pipe handling for `command` on stdout and stderr. */
export function handleClosedPipes(command: string | undefined): void {
  const exits = command !== undefined && ANSWERING.has(command);
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: Error) => {
      // The long-running commands listen for their own stdout's errors where it carries data
      // (collect, parse, generate); here they only must not crash on a log line.
      if (!exits) return;
      if (isClosedPipe(err)) process.exit(process.exitCode ?? 0);
      // Any other failure to write the answer (a full disk under a redirect): one line.
      if (stream !== process.stderr) process.stderr.write(`logpipe: cannot write output: ${err.message}\n`);
      process.exit(1);
    });
  }
}
