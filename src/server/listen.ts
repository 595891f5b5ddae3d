/** Starts the API on a socket and announces it in the data dir; `stop()` undoes both. */
import { type Logger, stderrLogger } from '../core/log.js';
import type { StorageEngine } from '../core/storage.js';
import type { ParserOptions } from '../parser/index.js';
import { type Announcement, announce } from './announce.js';
import { createApp } from './app.js';
import type { ComponentCounters } from './ops.js';
import { requireTokenBeyondLoopback, serveApp } from './serve.js';
import { stopGate } from './stop-gate.js';

export interface ListenOptions {
  store: StorageEngine;
  host: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  /** The data dir's link secret (core/link-secret.ts), which internal ingest requests must carry. */
  linkSecret: string;
  /** When given, `server.json` there announces the server to `logpipe query`. */
  dataDir?: string;
  /**
   * Announce only when `announce()` is called, not once the socket is bound: `logpipe run` waits
   * until its sources listen, so a script that sends lines on seeing `server.json` is not refused.
   */
  announceLater?: boolean;
  parser?: ParserOptions;
  /** What /status and /metrics report; default the API's own ingest counters. */
  counters?: () => ComponentCounters[];
  /** Where the announcement's troubles are told (a full disk); default stderr. */
  log?: Logger;
}

export interface RunningServer {
  url: string;
  /** Writes `server.json` (with `announceLater`; otherwise already done, and this does nothing). */
  announce(): void;
  /**
   * Begins the stop: API requests are refused (503 "logpipe is stopping"), live tails end, and
   * it resolves once the requests in flight are answered. The socket stays open and announced
   * until `stop()`, so close the store in between: no client meets a locked store unannounced.
   */
  refuse(): Promise<void>;
  /** Refuses (when not yet), then closes the socket and withdraws the announcement. */
  stop(): Promise<void>;
}

/** Binds the API; refuses a non-loopback address without a token. */
export async function startServer(opts: ListenOptions): Promise<RunningServer> {
  requireTokenBeyondLoopback(opts.host, opts.token);
  const gate = stopGate();
  const app = createApp({
    gate,
    store: opts.store,
    token: opts.token,
    linkSecret: opts.linkSecret,
    parser: opts.parser,
    ...(opts.counters ? { counters: opts.counters } : {}),
  });
  const served = await serveApp(app, opts.host, opts.port, 'server.port');
  const url = served.url;
  // Never fails: a file that cannot be written yet (a full disk) is written once it can be.
  let announced: Announcement | null = null;
  let withdrawn = false;
  const announceNow = (): void => {
    if (opts.dataDir === undefined || announced !== null || withdrawn) return;
    announced = announce(
      opts.dataDir,
      {
        pid: process.pid,
        url,
        started_at: new Date().toISOString(),
        ...(opts.token ? { token: opts.token } : {}),
      },
      opts.log ?? stderrLogger(),
    );
  };
  if (opts.announceLater !== true) announceNow();
  let refusing: Promise<void> | null = null;
  const refuse = () => {
    refusing ??= gate.close();
    return refusing;
  };
  return {
    url,
    announce: announceNow,
    refuse,
    stop: async () => {
      await refuse();
      withdrawn = true;
      announced?.withdraw();
      await served.stop();
    },
  };
}
