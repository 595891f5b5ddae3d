/** The generator's options, checked up front so a run never fails halfway on a bad setting. */
import { UsageError } from '../core/errors.js';
import type { Clock } from './clock.js';
import {
  DEFAULT_LEVEL_WEIGHTS,
  DEFAULT_STATUS_WEIGHTS,
  type LevelWeights,
  type StatusWeights,
} from './scene.js';
import type { BurstSpec } from './schedule.js';
import type { RotationSpec } from './target.js';

/** Where the lines go. */
export type GenerateOutput =
  | { kind: 'file'; path: string }
  | { kind: 'stdout' }
  | { kind: 'stream'; stream: NodeJS.WritableStream }
  /** `udp://host:port` (a datagram per record) or `tcp://host:port` (RFC 6587 octet counting). */
  | { kind: 'syslog'; url: string }
  /** POST batches of newline-delimited records to this URL. */
  | { kind: 'http'; url: string };

/** Deliberately awkward records for robustness tests; shares are fractions of all records (0..1). */
export interface NoiseSpec {
  /** Share of records replaced by an empty line. */
  blank?: number;
  /** Share of records padded to `overlongBytes`. */
  overlong?: number;
  /** Share of records with invalid UTF-8 bytes inserted. */
  invalidUtf8?: number;
  /** Length of an overlong record in bytes (default 1,100,000: past a 1 MiB line limit). */
  overlongBytes?: number;
}

/** One run of the generator. */
export interface GenerateOptions {
  /** Format id (see GENERATOR_FORMATS). */
  format: string;
  /** Lines per second, or `max` for as fast as the output takes them. */
  rate: number | 'max';
  /** Stop after this many lines (records). */
  count?: number;
  /** Stop after this long; with `startTime`, after this span of event time. */
  durationMs?: number;
  /** Makes the output byte-identical run to run (with `startTime`). */
  seed?: number;
  /** Epoch ms: backfill timestamps from here, paced by `rate` in event time, without sleeping. */
  startTime?: number;
  output: GenerateOutput;
  /** Abort = stop cleanly (flush what was generated), resolve normally. */
  signal?: AbortSignal;
  /** Called about once a second with the figures so far. */
  onProgress?: (s: GeneratorSummary) => void;
  /** Pacing and wall clock; tests pass a fake one. */
  clock?: Clock;
  /** Relative weights of DEBUG/INFO/WARN/ERROR (defaults 5/70/20/5). */
  levelWeights?: Partial<LevelWeights>;
  /** Relative weights of 2xx/3xx/4xx/5xx statuses. */
  statusWeights?: Partial<StatusWeights>;
  /** Periodic bursts of a higher rate. */
  burst?: BurstSpec;
  /** Inside bursts the ERROR and 5xx weights are multiplied by this (default 5; 1 turns spikes off). */
  burstErrorFactor?: number;
  /** Spread records over this many files (file output only): app.log → app-1.log .. app-N.log. */
  files?: number;
  /** Rotate file outputs. */
  rotate?: RotationSpec;
  /** Write a manifest (lines, bytes, checksums per file) here when the run ends. */
  manifest?: string;
  noise?: NoiseSpec;
}

/** What a run did. */
export interface GeneratorSummary {
  /** Records written (a multi-line stack trace is one record). */
  lines: number;
  bytes: number;
  elapsedMs: number;
  /** Achieved records per second over `elapsedMs`. */
  rate: number;
}

/** Throws a UsageError naming the first option that is out of range. */
export function validateOptions(o: GenerateOptions): void {
  if (o.rate !== 'max' && !(typeof o.rate === 'number' && o.rate > 0 && Number.isFinite(o.rate))) {
    throw new UsageError(
      `rate must be a positive number of lines per second or "max", got ${String(o.rate)}`,
    );
  }
  if (o.count !== undefined && !(Number.isInteger(o.count) && o.count >= 0)) {
    throw new UsageError(`count must be a whole number >= 0, got ${String(o.count)}`);
  }
  if (o.durationMs !== undefined && !(o.durationMs > 0 && Number.isFinite(o.durationMs))) {
    throw new UsageError(`duration must be a positive time span, got ${String(o.durationMs)} ms`);
  }
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) {
    throw new UsageError(`seed must be a whole number, got ${String(o.seed)}`);
  }
  if (o.startTime !== undefined && !Number.isFinite(o.startTime)) {
    throw new UsageError(`start time must be a valid point in time, got ${String(o.startTime)}`);
  }
  const out = o.output as GenerateOutput | undefined;
  if (!out || !['file', 'stdout', 'stream', 'syslog', 'http'].includes(out.kind)) {
    throw new UsageError('output must be a file, stdout, a stream, syslog or http');
  }
  if (out.kind === 'file' && !out.path) throw new UsageError('output file path is empty');
  if (o.files !== undefined) {
    if (!(Number.isInteger(o.files) && o.files >= 1 && o.files <= 1000)) {
      throw new UsageError(`files must be a whole number from 1 to 1000, got ${String(o.files)}`);
    }
    if (o.files > 1 && out.kind !== 'file')
      throw new UsageError('spreading over several files needs a file output');
  }
  if (o.rotate) {
    const r = o.rotate;
    if (out.kind !== 'file') throw new UsageError('rotation needs a file output');
    if (r.maxBytes === undefined && r.maxLines === undefined && r.intervalMs === undefined) {
      throw new UsageError('rotation needs a size, a line count or an interval');
    }
    for (const [k, v] of [
      ['size', r.maxBytes],
      ['lines', r.maxLines],
      ['interval', r.intervalMs],
    ] as const) {
      if (v !== undefined && !(v > 0 && Number.isFinite(v)))
        throw new UsageError(`rotation ${k} must be positive`);
    }
    if (r.mode !== 'rename' && r.mode !== 'copytruncate') {
      throw new UsageError(`rotation mode must be rename or copytruncate, got "${String(r.mode)}"`);
    }
    if (!(Number.isInteger(r.keep) && r.keep >= 1))
      throw new UsageError('rotation must keep at least 1 piece');
  }
  if (o.noise) {
    for (const k of ['blank', 'overlong', 'invalidUtf8'] as const) {
      const v = o.noise[k];
      if (v !== undefined && !(v >= 0 && v <= 1))
        throw new UsageError(`noise share ${k} must be between 0 and 1`);
    }
    const total = (o.noise.blank ?? 0) + (o.noise.overlong ?? 0) + (o.noise.invalidUtf8 ?? 0);
    if (total > 1) throw new UsageError('noise shares add up to more than 100 %');
    const b = o.noise.overlongBytes;
    if (b !== undefined && !(Number.isInteger(b) && b >= 2 && b <= 64 * 1024 * 1024)) {
      throw new UsageError('overlong line length must be a whole number of bytes up to 64 MiB');
    }
  }
  if (o.burstErrorFactor !== undefined && !(o.burstErrorFactor >= 1 && Number.isFinite(o.burstErrorFactor))) {
    throw new UsageError('burst error factor must be a number >= 1');
  }
  for (const [name, w] of [
    ['level', o.levelWeights],
    ['status', o.statusWeights],
  ] as const) {
    if (!w) continue;
    const values = Object.values(w) as number[];
    if (values.some((v) => !(v >= 0) || !Number.isFinite(v))) {
      throw new UsageError(`${name} weights must be numbers >= 0`);
    }
    const known = name === 'level' ? ['debug', 'info', 'warn', 'error'] : ['2xx', '3xx', '4xx', '5xx'];
    const unknown = Object.keys(w).find((k) => !known.includes(k));
    if (unknown) throw new UsageError(`unknown ${name} "${unknown}": expected ${known.join(', ')}`);
    const merged = { ...(name === 'level' ? DEFAULT_LEVEL_WEIGHTS : DEFAULT_STATUS_WEIGHTS), ...w } as Record<
      string,
      number
    >;
    if (Object.values(merged).every((v) => v === 0))
      throw new UsageError(`${name} weights must not all be 0`);
  }
  if (o.burst) {
    const b = o.burst;
    if (!(b.everyMs > 0) || !(b.lengthMs > 0) || b.lengthMs >= b.everyMs) {
      throw new UsageError('burst length must be positive and shorter than the burst interval');
    }
    if (!(b.factor > 0) || !Number.isFinite(b.factor)) {
      throw new UsageError(`burst factor must be a positive number, got ${b.factor}`);
    }
  }
}
