/** An HTTP receiver on 127.0.0.1 that records every request, for tests of senders. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The body as UTF-8 text (see `bytes` for binary bodies). */
  body: string;
  bytes: Buffer;
}

/** Answers the `n`th request (from 1). */
export type Handler = (req: Received, res: ServerResponse, n: number) => void;

export interface Receiver {
  url: string;
  got: Received[];
  /** Answers later requests with `h` instead. */
  setHandler(h: Handler): void;
}

const servers: Server[] = [];

/** Listens on `port` (0: any free one) and answers with `handler`. */
export async function receiver(handler: Handler, port = 0): Promise<Receiver> {
  const got: Received[] = [];
  let current = handler;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: bytes.toString('utf8'),
        bytes,
      };
      got.push(r);
      current(r, res, got.length);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    got,
    setHandler: (h) => {
      current = h;
    },
  };
}

/** Writes `body` (JSON unless a string) with `status`. */
export function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Closes every receiver opened so far. */
export async function closeReceivers(): Promise<void> {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
}
