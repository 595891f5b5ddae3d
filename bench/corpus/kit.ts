/**
 * Shared pieces of the real-shaped corpus (real-systems.ts): the line and system shapes, a seeded
 * generator, and the date formatting every system's writer uses.
 */
import type { Level } from '../../src/core/events.js';

export interface SystemLine {
  line: string;
  level: Level | null;
  tsMs: number | null;
  /** A continuation of the event before (a stack trace line): no level or time of its own. */
  continues?: true;
}

export interface RealSystem {
  name: string;
  about: string;
  referenceMs: number;
  lines: readonly SystemLine[];
}

export interface WriteOptions {
  fromMs: number;
  toMs: number;
  seed: number;
}

/** A seeded generator (mulberry32): the same seed gives the same lines. */
export type Rng = () => number;
export function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const hex = (r: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(r, 0, 15)];
  return s;
};
export const ip = (r: Rng): string =>
  `${int(r, 10, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
export const p2 = (n: number): string => String(n).padStart(2, '0');
export const p3 = (n: number): string => String(n).padStart(3, '0');
export const p6 = (n: number): string => String(n).padStart(6, '0');
export const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Wall-clock parts of `t` (ms) in UTC. */
export interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  wd: number;
}
export function parts(t: number): Parts {
  const x = new Date(t);
  return {
    y: x.getUTCFullYear(),
    mo: x.getUTCMonth() + 1,
    d: x.getUTCDate(),
    h: x.getUTCHours(),
    mi: x.getUTCMinutes(),
    s: x.getUTCSeconds(),
    ms: x.getUTCMilliseconds(),
    wd: x.getUTCDay(),
  };
}
export const isoDate = (p: Parts): string => `${p.y}-${p2(p.mo)}-${p2(p.d)}`;
export const clock = (p: Parts): string => `${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`;
export const isoSpace = (p: Parts): string => `${isoDate(p)} ${clock(p)}`;
export const syslogStamp = (p: Parts): string =>
  `${MON[p.mo - 1]} ${String(p.d).padStart(2, ' ')} ${clock(p)}`;
export const secOf = (t: number): number => Math.floor(t / 1000) * 1000;

/** Local time of the BG/L and Thunderbird machines, as the epoch column's offset. */
export const SITE_OFFSET_MS = -7 * 3_600_000;

/** One system: how it writes a line at time `t`, and lines written by hand (fixed times). */
export interface SystemDef {
  name: string;
  about: string;
  referenceMs: number;
  render: (t: number, r: Rng) => SystemLine;
  fixed: SystemLine[];
  /** The stack trace a warning or error line may be followed by (its lines, after the first). */
  trace?: (r: Rng) => string[];
}

export const JAVA_TRACES: string[][] = [
  [
    'java.io.IOException: Connection reset by peer',
    '\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)',
    '\tat sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:39)',
    '\tat org.apache.hadoop.ipc.Client$Connection.receiveRpcResponse(Client.java:1094)',
    '\tat org.apache.hadoop.ipc.Client$Connection.run(Client.java:989)',
  ],
  [
    'java.lang.NullPointerException',
    '\tat org.apache.zookeeper.server.NIOServerCnxn.doIO(NIOServerCnxn.java:180)',
    '\tat java.lang.Thread.run(Thread.java:745)',
  ],
  [
    'org.apache.spark.SparkException: Task failed while writing rows',
    '\tat org.apache.spark.sql.execution.datasources.FileFormatWriter$.executeTask(FileFormatWriter.scala:285)',
    '\tat org.apache.spark.scheduler.ResultTask.runTask(ResultTask.scala:87)',
    'Caused by: java.io.FileNotFoundException: /tmp/blockmgr-1a2b/0c/temp_shuffle_3f (Too many open files)',
    '\tat java.io.FileOutputStream.open0(Native Method)',
    '\t... 12 more',
  ],
];
export const javaTrace = (r: Rng): string[] => pick(r, JAVA_TRACES);
export const pythonTrace = (r: Rng): string[] =>
  pick(r, [
    [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python2.7/dist-packages/nova/compute/manager.py", line 2218, in _build_resources',
      '    yield resources',
      '  File "/usr/lib/python2.7/dist-packages/nova/virt/libvirt/driver.py", line 2756, in spawn',
      '    block_device_info=block_device_info)',
      'libvirtError: internal error: process exited while connecting to monitor: Could not access KVM kernel module: No such file or directory',
    ],
  ]);

export const L = (line: string, level: Level | null, tsMs: number | null): SystemLine => ({
  line,
  level,
  tsMs,
});
