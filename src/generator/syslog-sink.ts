/**
 * Syslog over the network: `udp://host:port` sends each record as one datagram (RFC 5426);
 * `tcp://host:port` sends octet-counted frames (RFC 6587 §3.4.1, so multi-line records survive)
 * over one connection, with the socket's backpressure.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { Sink } from './sink.js';
import { streamSink } from './stream-sink.js';

/** A parsed `udp://` or `tcp://` address. */
export interface SyslogAddress {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
}

/** Parses `udp://127.0.0.1:5514`; a UsageError says what is wrong. */
export function parseSyslogUrl(url: string): SyslogAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`invalid syslog address "${url}": expected udp://host:port or tcp://host:port`);
  }
  const protocol = u.protocol.replace(':', '');
  if (protocol !== 'udp' && protocol !== 'tcp') {
    throw new UsageError(`invalid syslog address "${url}": the scheme must be udp:// or tcp://`);
  }
  const port = Number(u.port);
  if (!u.port || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`invalid syslog address "${url}": a port (1-65535) is required`);
  }
  return { protocol, host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Opens the connection (TCP: resolves once connected; a refused connection is a clear error). */
export async function openSyslogSink(url: string): Promise<Sink> {
  const a = parseSyslogUrl(url);
  if (a.protocol === 'tcp') {
    const socket = connect({ host: a.host, port: a.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err: NodeJS.ErrnoException) =>
        reject(new UsageError(`cannot connect to syslog ${url}: ${err.code ?? err.message}`)),
      );
    });
    const inner = streamSink(socket);
    return {
      get broken() {
        return inner.broken;
      },
      write: (chunk) => inner.write(chunk),
      drain: () => inner.drain(),
      async close() {
        await inner.close();
        await new Promise<void>((resolve) => socket.end(resolve));
      },
    };
  }
  return udpSink(a);
}

/** Datagrams in flight at most before `write` asks the caller to wait. */
const UDP_HIGH_WATER = 512;

function udpSink(a: SyslogAddress): Sink {
  const socket = createSocket(a.host.includes(':') ? 'udp6' : 'udp4');
  let inFlight = 0;
  let failure: Error | null = null;
  let waiter: (() => void) | null = null;
  const done = (err: Error | null): void => {
    inFlight--;
    if (err && !failure) failure = err;
    if (waiter && (inFlight < UDP_HIGH_WATER / 2 || failure)) {
      const w = waiter;
      waiter = null;
      w();
    }
  };
  socket.on('error', (err) => {
    failure = err;
  });
  return {
    broken: false,
    write(chunk, ends) {
      if (failure) throw failure;
      let start = 0;
      for (const end of ends ?? [chunk.length]) {
        inFlight++;
        socket.send(chunk.subarray(start, end), a.port, a.host, done);
        start = end;
      }
      return inFlight < UDP_HIGH_WATER;
    },
    drain() {
      if (failure) return Promise.reject(failure);
      if (inFlight < UDP_HIGH_WATER) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiter = resolve;
      });
    },
    async close() {
      while (inFlight > 0 && !failure) await new Promise<void>((resolve) => (waiter = resolve));
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      if (failure) throw failure;
    },
  };
}
