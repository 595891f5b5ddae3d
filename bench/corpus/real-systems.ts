/**
 * Real-shaped log lines of many systems, written from each format's public documentation: the
 * parser's correctness test (test/parser/real-systems.test.ts) checks levels and times on them,
 * and the bench scales them up into a corpus that spans months. This module is the entry point;
 * the systems' writers are in systems-*.ts, their shared pieces in kit.ts.
 *
 * Exported names (stable: the bench and the tests import them):
 * - `SystemLine`      one line with what it says: `{ line, level, tsMs, continues? }`. `level`
 *                     is the level the line carries (null when it carries none); `tsMs` the
 *                     event time it carries, epoch ms UTC (null when it carries none);
 *                     `continues` marks a stack trace line that belongs to the event before
 *                     (Java and Python systems follow some warnings and errors with one).
 * - `RealSystem`      `{ name, about, referenceMs, lines }`: `lines` are the sample lines, and
 *                     `referenceMs` the time they are read at (year-less stamps take their year
 *                     from it: every sample is at most 120 days before it).
 * - `REAL_SYSTEMS`    every system with its sample lines (30 or more each).
 * - `SYSTEM_NAMES`    the systems' names, in the order of REAL_SYSTEMS.
 * - `writeSystemLines(name, n, { fromMs, toMs, seed })` → SystemLine[]: n lines of one system,
 *                     times rising from `fromMs` to `toMs`, the same for the same arguments.
 *                     Year-less layouts are right when read at or after `toMs` and
 *                     `toMs - fromMs` is under a year.
 * - `writeRealCorpus(n, { fromMs, toMs, seed })` → `{ name, lines: string[] }[]`: n lines
 *                     split evenly over all systems (one file's worth each), same period.
 *
 * Zones: every stamp without an offset is UTC, except Blue Gene/L and Thunderbird, whose stamps
 * are the machines' local time (UTC-7 here) while the epoch column beside them is the true time;
 * their `tsMs` is the epoch column's (plus the BG/L stamp's fraction).
 */

import { type RealSystem, rngOf, type SystemDef, type SystemLine, type WriteOptions } from './kit.js';
import { cloudtrail, cri, dockerJson, journal, klog } from './systems-cloud.js';
import { hadoop, hdfs, openstack, spark, zookeeper } from './systems-hadoop.js';
import { bgl, hpc, thunderbird } from './systems-hpc.js';
import {
  androidBrief,
  androidThreadtime,
  healthApp,
  linux,
  macos,
  openssh,
  proxifier,
  syslogRemote,
  windowsCbs,
} from './systems-os.js';
import { apacheError, kafka, mysql, nginxError, postgresql, redis } from './systems-servers.js';

export type { RealSystem, SystemLine, WriteOptions } from './kit.js';

const DEFS: readonly SystemDef[] = [
  bgl,
  thunderbird,
  hpc,
  hdfs,
  hadoop,
  spark,
  zookeeper,
  openstack,
  windowsCbs,
  androidThreadtime,
  androidBrief,
  macos,
  linux,
  openssh,
  syslogRemote,
  proxifier,
  healthApp,
  apacheError,
  nginxError,
  kafka,
  postgresql,
  mysql,
  redis,
  dockerJson,
  klog,
  cri,
  journal,
  cloudtrail,
];

/** Samples written per system besides the hand-written ones. */
const SAMPLES = 36;
/** Samples span this much time before their system's reference date. */
const SAMPLE_SPAN_MS = 120 * 86_400_000;

function defOf(name: string): SystemDef {
  const d = DEFS.find((x) => x.name === name);
  if (d === undefined)
    throw new Error(`unknown system "${name}": expected one of ${DEFS.map((x) => x.name).join(', ')}`);
  return d;
}

/** n lines of system `name`, times rising from `fromMs` to `toMs` (deterministic for a seed). */
export function writeSystemLines(name: string, n: number, opts: WriteOptions): SystemLine[] {
  const def = defOf(name);
  const r = rngOf(opts.seed ^ hashName(name));
  const span = Math.max(0, opts.toMs - opts.fromMs);
  const out: SystemLine[] = [];
  while (out.length < n) {
    const t = opts.fromMs + Math.floor((span * (out.length + r())) / Math.max(1, n));
    const l = def.render(Math.min(t, opts.toMs), r);
    out.push(l);
    if (
      def.trace !== undefined &&
      (l.level === 'error' || l.level === 'fatal' || l.level === 'warn') &&
      r() < 0.4
    ) {
      for (const line of def.trace(r)) {
        if (out.length >= n) break;
        out.push({ line, level: null, tsMs: null, continues: true });
      }
    }
  }
  return out;
}

/** n lines split evenly over every system (one file's worth each), over the same period. */
export function writeRealCorpus(n: number, opts: WriteOptions): { name: string; lines: string[] }[] {
  const per = Math.floor(n / DEFS.length);
  return DEFS.map((d, i) => {
    const count = per + (i < n - per * DEFS.length ? 1 : 0);
    return { name: d.name, lines: writeSystemLines(d.name, count, opts).map((l) => l.line) };
  });
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export const REAL_SYSTEMS: readonly RealSystem[] = DEFS.map((d) => ({
  name: d.name,
  about: d.about,
  referenceMs: d.referenceMs,
  lines: [
    ...d.fixed,
    // Systems with stack traces get more lines, so they still hold SAMPLES-odd events.
    ...writeSystemLines(d.name, d.trace === undefined ? SAMPLES : 2 * SAMPLES, {
      fromMs: d.referenceMs - SAMPLE_SPAN_MS,
      toMs: d.referenceMs - 3_600_000,
      seed: 28,
    }),
  ],
}));

export const SYSTEM_NAMES: readonly string[] = DEFS.map((d) => d.name);
