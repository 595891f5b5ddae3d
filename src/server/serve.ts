/** Binds a hono app to a socket: the one way every logpipe process serves HTTP. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { ConfigError } from '../core/errors.js';

export interface ServedApp {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** How long connections with a request under way get to finish once the socket closes. */
const CLOSE_GRACE_MS = 1000;

/** Refuses to serve beyond loopback without a bearer token (ConfigError on `server.token`). */
export function requireTokenBeyondLoopback(host: string, token: string | undefined): void {
  if (!LOOPBACK.has(host) && !token) {
    throw new ConfigError('server.token', `required when binding ${host} (beyond loopback)`);
  }
}

/** Serves `app` on host:port (0: any free port); a port in use is a ConfigError naming `key`. */
export async function serveApp(app: Hono, host: string, port: number, key: string): Promise<ServedApp> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new ConfigError(key, `port ${port} on ${host} is already in use (set another, or 0 for any)`));
      } else reject(err);
    });
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${h}:${addr.port}`,
    port: addr.port,
    stop: () =>
      new Promise<void>((resolve) => {
        // Connections with a request under way finish it (a stopping API answers quickly:
        // server/stop-gate.ts); idle ones close now, and whatever is left after the grace.
        const conns = server as unknown as { closeIdleConnections(): void; closeAllConnections(): void };
        const grace = setTimeout(() => conns.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        conns.closeIdleConnections();
      }),
  };
}
