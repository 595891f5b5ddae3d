import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamSink } from '../../src/generator/stream-sink.js';

describe('streamSink', () => {
  it('reports backpressure and resolves drain when the stream drains', async () => {
    const pt = new PassThrough({ highWaterMark: 16 });
    const sink = streamSink(pt);
    expect(sink.write(Buffer.alloc(64))).toBe(false);
    const drained = sink.drain();
    pt.resume();
    await drained;
    await sink.close();
  });

  it('marks itself broken on EPIPE instead of throwing', async () => {
    const w = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = streamSink(w);
    sink.write(Buffer.from('x'));
    await new Promise((r) => setImmediate(r));
    expect(sink.broken).toBe(true);
    await sink.drain();
    await sink.close();
  });

  it('leaves the stream open on close', async () => {
    const pt = new PassThrough();
    const sink = streamSink(pt);
    sink.write(Buffer.from('hi\n'));
    await sink.close();
    expect(pt.writableEnded).toBe(false);
    expect(pt.read()?.toString()).toBe('hi\n');
  });
});
