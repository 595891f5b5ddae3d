/** Starts the API on a socket and announces it in the data dir; `stop()` undoes both. */
import type { StorageEngine } from '../core/storage.js';
import type { ParserOptions } from '../parser/index.js';
import { createApp } from './app.js';
import { removeServerInfo, writeServerInfo } from './discovery.js';
import type { ComponentCounters } from './ops.js';
import { requireTokenBeyondLoopback, serveApp } from './serve.js';

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
  parser?: ParserOptions;
  /** What /status and /metrics report; default the API's own ingest counters. */
  counters?: () => ComponentCounters[];
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Binds the API; refuses a non-loopback address without a token. */
export async function startServer(opts: ListenOptions): Promise<RunningServer> {
  requireTokenBeyondLoopback(opts.host, opts.token);
  const app = createApp({
    store: opts.store,
    token: opts.token,
    linkSecret: opts.linkSecret,
    parser: opts.parser,
    ...(opts.counters ? { counters: opts.counters } : {}),
  });
  const served = await serveApp(app, opts.host, opts.port, 'server.port');
  const url = served.url;
  if (opts.dataDir) {
    writeServerInfo(opts.dataDir, {
      pid: process.pid,
      url,
      started_at: new Date().toISOString(),
      ...(opts.token ? { token: opts.token } : {}),
    });
  }
  return {
    url,
    stop: () => {
      if (opts.dataDir) removeServerInfo(opts.dataDir);
      return served.stop();
    },
  };
}
