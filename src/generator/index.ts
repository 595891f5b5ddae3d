/**
 * The generator: realistic logs in many formats at an exact rate, to files (with rotation),
 * stdout, a stream, syslog or HTTP, with a manifest to prove delivery. This file is the
 * component's contract; other code imports only from here.
 */
import { FORMAT_IDS } from './formats/index.js';

/** Every format id `generate` accepts (`mixed` last). */
export const GENERATOR_FORMATS: readonly string[] = FORMAT_IDS;

export { type Clock, createFakeClock, type FakeClock, systemClock } from './clock.js';
export type { LogFormat } from './formats/format.js';
export { getFormat, listFormats } from './formats/index.js';
export {
  addChecksums,
  type LineStats,
  lineChecksum,
  type Manifest,
  type ManifestFile,
  type NoiseStats,
  readManifest,
  subtractChecksum,
} from './manifest.js';
export type { GenerateOptions, GenerateOutput, GeneratorSummary, NoiseSpec } from './options.js';
export { generate, spreadFileNames } from './run.js';
export type { LevelWeights, StatusWeights } from './scene.js';
export type { BurstSpec } from './schedule.js';
export type { RotationSpec } from './target.js';
