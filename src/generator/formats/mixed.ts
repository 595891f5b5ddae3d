/**
 * `mixed`: every other format interleaved line by line, as a shared log directory or a syslog
 * relay would collect them — for testing auto-detection.
 */
import { nextInt } from '../prng.js';
import type { LogFormat, RenderRecord } from './format.js';

/** Builds the mixed format over `formats` (the registry passes every single format). */
export function mixedFormat(formats: readonly LogFormat[]): LogFormat {
  return {
    id: 'mixed',
    description: 'all of the above interleaved line by line',
    ascii: formats.every((f) => f.ascii),
    create(ctx) {
      const renders: RenderRecord[] = formats.map((f) => f.create(ctx));
      return (tsUs) => renders[nextInt(ctx.rng, renders.length)](tsUs);
    },
  };
}
