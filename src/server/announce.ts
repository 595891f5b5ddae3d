/**
 * Announcing a storage process in its data dir (`server.json`, see discovery.ts) so that it holds
 * on every path: a file left by a process that is gone is replaced at start; a file that cannot
 * be written (a full disk) is tried again every second while the API serves meanwhile; and the
 * file is withdrawn on every exit this process lives to see (a stop, an error, `process.exit`).
 * Only a kill -9 leaves one behind, which readers ignore (its pid is dead) and the next start
 * replaces.
 */
import type { Logger } from '../core/log.js';
import {
  removeServerInfo,
  removeStaleServerInfo,
  type ServerInfo,
  serverInfoPath,
  writeServerInfo,
} from './discovery.js';

/** How often an announcement that could not be written is tried again. */
const RETRY_MS = 1000;

export interface Announcement {
  /** Removes the file (if still ours) and stops trying to write it. */
  withdraw(): void;
}

/** Writes `server.json` for `info` in `dataDir`, now or, failing that, as soon as it can be. */
export function announce(dataDir: string, info: ServerInfo, log: Logger): Announcement {
  const stale = removeStaleServerInfo(dataDir);
  if (stale) log.info(`replaced ${serverInfoPath(dataDir)} left by pid ${stale.pid}, which is gone`);
  let timer: NodeJS.Timeout | null = null;
  let warned = false;
  const tryWrite = (): boolean => {
    try {
      writeServerInfo(dataDir, info);
    } catch (err) {
      if (!warned) {
        warned = true;
        log.warn(
          `cannot announce the API in ${serverInfoPath(dataDir)} (${(err as Error).message}); it serves at ${info.url} meanwhile (logpipe query --server ${info.url}), and the file is written once it can be`,
        );
      }
      return false;
    }
    if (warned) log.info(`announced the API in ${serverInfoPath(dataDir)}`);
    return true;
  };
  // Synchronous: 'exit' listeners cannot wait.
  const onExit = (): void => removeServerInfo(dataDir, info.pid);
  process.on('exit', onExit);
  if (!tryWrite()) {
    timer = setInterval(() => {
      if (tryWrite() && timer) {
        clearInterval(timer);
        timer = null;
      }
    }, RETRY_MS);
    timer.unref();
  }
  return {
    withdraw() {
      if (timer) clearInterval(timer);
      timer = null;
      process.off('exit', onExit);
      removeServerInfo(dataDir, info.pid);
    },
  };
}
