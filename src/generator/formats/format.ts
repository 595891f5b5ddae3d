/** What a generator format is: an id, a description, and a renderer bound to a run's PRNG and scene. */
import type { Rng } from '../prng.js';
import type { Scene } from '../scene.js';

/** Renders one record (usually one line; a stack trace spans several) for event time `tsUs`. */
export type RenderRecord = (tsUs: number) => string;

/** What a format gets when a run starts. */
export interface FormatContext {
  rng: Rng;
  scene: Scene;
}

/** One output format of the generator. */
export interface LogFormat {
  /** Format id, lowercase with underscores, as used by `--format` and the parsers. */
  readonly id: string;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** True when every record is 7-bit ASCII, so it may be encoded a byte per character (faster). */
  readonly ascii: boolean;
  /** Binds the format to a run; called once, so per-run setup belongs here, not per record. */
  create(ctx: FormatContext): RenderRecord;
}
