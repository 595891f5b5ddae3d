/**
 * The run loop: render records in batches and pace them against a schedule on a monotonic
 * clock. Each turn computes how many records are due since the start, emits them as one chunk
 * per output, then sleeps until the next is due — never a sleep per line, and no drift over long
 * runs. Rotation, bursts, noise and the manifest hang off the same loop.
 */
import { extname } from 'node:path';
import { formatMicros } from '../core/time.js';
import { type Clock, systemClock } from './clock.js';
import { FileWriter } from './file-writer.js';
import { getFormat } from './formats/index.js';
import { httpSink } from './http-sink.js';
import { addChecksums, type Manifest, type ManifestFile, writeManifest } from './manifest.js';
import { type GenerateOptions, type GeneratorSummary, validateOptions } from './options.js';
import { createRng, nextFloat, nextInt, randomSeed } from './prng.js';
import { createScene, type Scene } from './scene.js';
import { createSchedule, type Schedule } from './schedule.js';
import { streamSink } from './stream-sink.js';
import { openSyslogSink, parseSyslogUrl } from './syslog-sink.js';
import {
  type Framing,
  NOISE_BLANK,
  NOISE_INVALID_UTF8,
  NOISE_NONE,
  NOISE_OVERLONG,
  Target,
  type TargetOptions,
} from './target.js';

/** Records per turn at most; big enough to amortise a write, small enough to stay responsive. */
const MAX_BATCH_RECORDS = 4096;
/** Event-time density of `--rate max` backfills: records per second of event time. */
const MAX_RATE_BACKFILL_DENSITY = 1000;
const PROGRESS_EVERY_MS = 1000;
const DEFAULT_OVERLONG_BYTES = 1_100_000;

/** Runs the generator until count, duration or abort; resolves with what was written. */
export async function generate(opts: GenerateOptions): Promise<GeneratorSummary> {
  validateOptions(opts);
  const format = getFormat(opts.format);
  if (opts.output.kind === 'syslog') parseSyslogUrl(opts.output.url);
  const clock: Clock = opts.clock ?? systemClock;
  const seed = opts.seed ?? randomSeed();
  const scene = createScene(seed, {
    levelWeights: opts.levelWeights,
    statusWeights: opts.statusWeights,
    spikeFactor: opts.burstErrorFactor,
  });
  const render = format.create({ rng: createRng(seed), scene });
  const backfill = opts.startTime !== undefined;
  const paced = opts.rate !== 'max';
  // With `max` there is no pacing, but a backfill still needs its timestamps spread out.
  const schedule: Schedule | null = paced
    ? createSchedule(opts.rate as number, opts.burst)
    : backfill
      ? createSchedule(MAX_RATE_BACKFILL_DENSITY)
      : null;
  const bursty = paced && opts.burst !== undefined;

  let limit = opts.count ?? Number.POSITIVE_INFINITY;
  if (opts.durationMs !== undefined && schedule)
    limit = Math.min(limit, schedule.countBefore(opts.durationMs));

  // Separate streams of randomness, so turning noise or more files on leaves the content alone.
  const pickRng = createRng(seed ^ 0x5f11e5);
  const noise = opts.noise;
  const noiseRng = noise ? createRng(seed ^ 0x0e15e) : null;
  const blankTo = noise?.blank ?? 0;
  const overlongTo = blankTo + (noise?.overlong ?? 0);
  const invalidTo = overlongTo + (noise?.invalidUtf8 ?? 0);

  const targets = await openTargets(opts, format.ascii);
  const nTargets = targets.length;
  const signal = opts.signal;
  const t0 = clock.now();
  const wall0Us = Math.floor(opts.startTime ?? clock.wallNow()) * 1000;
  let emitted = 0;
  let firstUs = Number.NaN;
  let lastUs = Number.NaN;
  let pick = -1;
  let spiking = false;
  let nextProgress = t0 + PROGRESS_EVERY_MS;
  const bytes = (): number => targets.reduce((a, t) => a + t.bytes, 0);
  const summary = (): GeneratorSummary => {
    const elapsedMs = Math.max(0, clock.now() - t0);
    return {
      lines: emitted,
      bytes: bytes(),
      elapsedMs,
      rate: elapsedMs > 0 ? (emitted * 1000) / elapsedMs : 0,
    };
  };
  const broken = (): boolean => targets.some((t) => t.broken);

  const finish = async (ok: boolean): Promise<void> => {
    const closing = await Promise.allSettled(targets.map((t) => t.close()));
    const err = closing.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    if (opts.manifest) {
      const complete = ok && !err && !signal?.aborted && !broken();
      writeManifest(opts.manifest, buildManifest(opts, seed, targets, firstUs, lastUs, complete));
    }
    if (ok && err) throw err.reason;
  };

  try {
    while (emitted < limit && !signal?.aborted && !broken()) {
      const elapsed = clock.now() - t0;
      // Paced runs know their line count up front (lines due before the end still go out after a
      // late wake-up); only an unpaced live run is bounded by the clock.
      if (!schedule && opts.durationMs !== undefined && elapsed >= opts.durationMs) break;
      const target = backfill || !schedule ? limit : Math.min(limit, schedule.dueBy(elapsed));
      if (target <= emitted) {
        // Never spin: a short oversleep only makes the next chunk bigger, it cannot drift.
        await clock.sleep(Math.max(schedule!.timeOf(emitted) - elapsed, 1), signal);
      } else {
        const n = Math.min(target - emitted, MAX_BATCH_RECORDS);
        const fixedUs = schedule ? 0 : Math.floor(clock.wallNow() * 1000);
        let rotating: Target | null = null;
        let k = 0;
        while (k < n) {
          const i = emitted + k;
          const tsUs = schedule ? wall0Us + Math.floor(schedule.timeOf(i) * 1000) : fixedUs;
          if (bursty && schedule!.inBurst(schedule!.timeOf(i)) !== spiking) {
            spiking = !spiking;
            setSpike(scene, spiking);
          }
          if (pick < 0) pick = nTargets === 1 ? 0 : nextInt(pickRng, nTargets);
          const t = targets[pick];
          if (t.rotationDueBefore(tsUs)) {
            rotating = t;
            break;
          }
          pick = -1;
          let kind = NOISE_NONE;
          if (noiseRng) {
            const x = nextFloat(noiseRng);
            kind =
              x < blankTo
                ? NOISE_BLANK
                : x < overlongTo
                  ? NOISE_OVERLONG
                  : x < invalidTo
                    ? NOISE_INVALID_UTF8
                    : 0;
          }
          if (k === 0 && emitted === 0) firstUs = tsUs;
          lastUs = tsUs;
          k++;
          // A full chunk the sink could not take yet: stop here, bounded memory over speed.
          if (!t.add(render(tsUs), kind)) break;
        }
        emitted += k;
        let wait: Promise<void> | null = null;
        for (const t of targets) if (!t.flush()) wait = t.drain();
        if (wait) await Promise.all(targets.map((t) => t.drain()));
        if (rotating) await rotating.rotate();
        else if (!wait && (!paced || backfill)) await yieldToLoop(); // let signals and write callbacks in
      }
      if (opts.onProgress && clock.now() >= nextProgress) {
        nextProgress = clock.now() + PROGRESS_EVERY_MS;
        opts.onProgress(summary());
      }
    }
    // A live run given a duration lasts that long, even when its last line was due earlier.
    if (!backfill && opts.durationMs !== undefined) {
      for (let left = opts.durationMs - (clock.now() - t0); left > 0 && !signal?.aborted && !broken(); ) {
        await clock.sleep(left, signal);
        left = opts.durationMs - (clock.now() - t0);
      }
    }
  } catch (err) {
    await finish(false);
    throw err;
  }
  await finish(true);
  return summary();
}

function setSpike(scene: Scene, on: boolean): void {
  scene.levelW = on ? scene.spikeLevelW : scene.baseLevelW;
  scene.statusClassW = on ? scene.spikeStatusClassW : scene.baseStatusClassW;
}

/** `app.log`, 3 → `app-1.log`, `app-2.log`, `app-3.log`. */
export function spreadFileNames(path: string, n: number): string[] {
  if (n === 1) return [path];
  const ext = extname(path);
  const base = ext ? path.slice(0, -ext.length) : path;
  return Array.from({ length: n }, (_, i) => `${base}-${i + 1}${ext}`);
}

async function openTargets(opts: GenerateOptions, ascii: boolean): Promise<Target[]> {
  const out = opts.output;
  const base: Omit<TargetOptions, 'framing'> = {
    ascii,
    hashing: opts.manifest !== undefined,
    rotation: opts.rotate,
    overlongBytes: opts.noise?.overlongBytes ?? DEFAULT_OVERLONG_BYTES,
  };
  const nl = { ...base, framing: 'newline' as Framing };
  if (out.kind === 'file') {
    const targets: Target[] = [];
    try {
      for (const p of spreadFileNames(out.path, opts.files ?? 1))
        targets.push(new Target(p, new FileWriter(p), nl));
    } catch (err) {
      await Promise.allSettled(targets.map((t) => t.close()));
      throw err;
    }
    return targets;
  }
  if (out.kind === 'stdout') return [new Target('stdout', streamSink(process.stdout), nl)];
  if (out.kind === 'stream') return [new Target('stream', streamSink(out.stream), nl)];
  if (out.kind === 'http') return [new Target(out.url, httpSink(out.url), nl)];
  const framing: Framing = parseSyslogUrl(out.url).protocol === 'udp' ? 'datagram' : 'octet-counting';
  return [new Target(out.url, await openSyslogSink(out.url), { ...base, framing })];
}

function buildManifest(
  opts: GenerateOptions,
  seed: number,
  targets: Target[],
  firstUs: number,
  lastUs: number,
  complete: boolean,
): Manifest {
  const files: Record<string, ManifestFile> = {};
  for (const t of targets) files[t.name] = t.stats();
  const all = Object.values(files);
  const sum = (f: (x: ManifestFile) => number): number => all.reduce((a, x) => a + f(x), 0);
  return {
    version: 1,
    format: opts.format,
    seed,
    first_ts: Number.isNaN(firstUs) ? null : formatMicros(firstUs),
    last_ts: Number.isNaN(lastUs) ? null : formatMicros(lastUs),
    complete,
    base_dir: process.cwd(),
    files,
    total: {
      lines: sum((x) => x.lines),
      bytes: sum((x) => x.bytes),
      checksum: addChecksums(...all.map((x) => x.checksum)),
      multiline: sum((x) => x.multiline),
      noise: {
        lines: sum((x) => x.noise.lines),
        bytes: sum((x) => x.noise.bytes),
        checksum: addChecksums(...all.map((x) => x.noise.checksum)),
        blank: sum((x) => x.noise.blank),
        overlong: sum((x) => x.noise.overlong),
        invalid_utf8: sum((x) => x.noise.invalid_utf8),
      },
    },
  };
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
