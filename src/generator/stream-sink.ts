/**
 * Writes to a Node writable stream (stdout, a socket, a caller's stream), honouring its
 * backpressure: `write` returning false means wait for 'drain'. A reader that goes away (EPIPE,
 * as when `logpipe generate | head` exits) marks the sink broken so the run ends quietly.
 */
import type { Sink } from './sink.js';

const guarded = new WeakSet<NodeJS.WritableStream>();

/** Wraps `stream`; the stream is left open on close (its owner ends it). */
export function streamSink(stream: NodeJS.WritableStream): Sink {
  let broken = false;
  let failure: Error | null = null;
  let wakeDrain: (() => void) | null = null;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') broken = true;
    else failure = err;
    wakeDrain?.();
  };
  const onClose = (): void => {
    broken = true;
    wakeDrain?.();
  };
  stream.on('error', onError);
  stream.on('close', onClose);
  const detach = (): void => {
    stream.off('error', onError);
    stream.off('close', onClose);
    // A late EPIPE after we are done must not crash the process (one guard per stream, so
    // repeated runs to stdout do not pile up listeners).
    if (!guarded.has(stream)) {
      guarded.add(stream);
      stream.on('error', () => {});
    }
  };
  return {
    get broken() {
      return broken;
    },
    write(chunk) {
      if (failure) throw failure;
      if (broken) return true;
      return stream.write(chunk);
    },
    drain() {
      if (failure) return Promise.reject(failure);
      if (broken) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          wakeDrain = null;
          resolve();
        };
        wakeDrain = done;
        stream.on('drain', done);
      });
    },
    async close() {
      if (!broken && !failure) {
        // An empty write's callback runs once everything before it has been handed off.
        await new Promise<void>((resolve) => {
          stream.write('', () => resolve());
          wakeDrain = resolve;
        });
      }
      wakeDrain = null;
      detach();
      if (failure) throw failure;
    },
  };
}
