/**
 * A component that `logpipe up` started stops when its supervisor is gone. The supervisor
 * spawns each child with an IPC channel (`supervisedSpawn`); the kernel closes it when the
 * supervisor dies, however it dies (kill -9 included), and the child then stops the way a
 * SIGTERM stops it: what is in flight is finished or left unacknowledged, to be read again. A
 * child still running `ORPHAN_EXIT_MS` later exits anyway. Left alone, orphans kept the store's
 * lock and the next `logpipe up` restarted its store forever.
 *
 * The same mark, the data dir in the child's environment, lets the next `logpipe up` recognise
 * leftovers of its data dir (leftovers.ts). Only node builtins here: every command loads it.
 */
import type { StdioOptions } from 'node:child_process';
import { resolve } from 'node:path';

/** The environment variable naming the data dir of the `logpipe up` that started a process. */
export const UP_DATA_DIR_ENV = 'LOGPIPE_UP_DATA_DIR';

/** How long a component whose supervisor died may take to stop before it exits regardless. */
export const ORPHAN_EXIT_MS = 10_000;

/** How the supervisor spawns a child: output piped, an IPC channel to watch, the data dir marked. */
export function supervisedSpawn(dataDir: string): { stdio: StdioOptions; env: NodeJS.ProcessEnv } {
  return {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, [UP_DATA_DIR_ENV]: resolve(dataDir) },
  };
}

/**
 * In a process `logpipe up` started: stops it (as a SIGTERM would) when its supervisor is gone.
 * Does nothing in a process started any other way.
 */
export function watchSupervisor(): void {
  if (!process.env[UP_DATA_DIR_ENV] || !process.channel) return;
  process.once('disconnect', () => {
    // stdout and stderr were pipes to the supervisor: writing to them now fails (EPIPE), which
    // must not end the process before its stop. Its own log file still gets every line.
    for (const out of [process.stdout, process.stderr]) out.on('error', () => {});
    setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  });
  // Listening for 'disconnect' holds the channel open: the process must still end on its own.
  process.channel.unref();
}
