/** Shared test helpers for the generator: render records directly, and capture a run's output. */
import { Writable } from 'node:stream';
import type { Clock } from '../../src/generator/clock.js';
import type { LogFormat } from '../../src/generator/formats/format.js';
import { createRng } from '../../src/generator/prng.js';
import { createScene, type SceneOptions } from '../../src/generator/scene.js';

/** Renders `n` records of `format` at one-second steps from `startUs`, with their event times. */
export function renderMany(
  format: LogFormat,
  n: number,
  opts: { seed?: number; startUs?: number; stepUs?: number; scene?: SceneOptions } = {},
): { tsUs: number; text: string }[] {
  const seed = opts.seed ?? 7;
  const render = format.create({ rng: createRng(seed), scene: createScene(seed, opts.scene) });
  const start = opts.startUs ?? Date.UTC(2026, 0, 2, 3, 4, 5) * 1000;
  const step = opts.stepUs ?? 1_234_567;
  const out: { tsUs: number; text: string }[] = [];
  for (let i = 0; i < n; i++) {
    const tsUs = start + i * step;
    out.push({ tsUs, text: render(tsUs) });
  }
  return out;
}

/** A writable that keeps everything, and notes the clock and line count at each write. */
export function captureStream(clock?: Clock): {
  stream: Writable;
  text: () => string;
  buffer: () => Buffer;
  writes: { at: number; lines: number }[];
} {
  const chunks: Buffer[] = [];
  const writes: { at: number; lines: number }[] = [];
  let lines = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
      writes.push({ at: clock ? clock.now() : 0, lines });
      cb();
    },
  });
  return {
    stream,
    text: () => Buffer.concat(chunks).toString('utf8'),
    buffer: () => Buffer.concat(chunks),
    writes,
  };
}

/** Share of `xs` for which `pred` holds. */
export function share<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  let n = 0;
  for (const x of xs) if (pred(x)) n++;
  return n / xs.length;
}
