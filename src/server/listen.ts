/** Starts the API on a socket and announces it in the data dir; `stop()` undoes both. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import type { ParserOptions } from '../parser/index.js';
import { createApp } from './app.js';
import { removeServerInfo, writeServerInfo } from './discovery.js';
import type { ComponentCounters } from './ops.js';

export interface ListenOptions {
  store: StorageEngine;
  host: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
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

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Binds the API; refuses a non-loopback address without a token. */
export async function startServer(opts: ListenOptions): Promise<RunningServer> {
  if (!LOOPBACK.has(opts.host) && !opts.token) {
    throw new ConfigError('server.token', `required when binding ${opts.host} (beyond loopback)`);
  }
  const app = createApp({
    store: opts.store,
    token: opts.token,
    parser: opts.parser,
    ...(opts.counters ? { counters: opts.counters } : {}),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new ConfigError(
            'server.port',
            `port ${opts.port} on ${opts.host} is already in use (set another, or 0 for any)`,
          ),
        );
      } else reject(err);
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (opts.dataDir) removeServerInfo(opts.dataDir);
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
