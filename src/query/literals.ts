/**
 * Literal values in queries: plain numbers, durations (`250ms`, `1h30m`) and sizes (`10KB`).
 * A duration takes the unit named by the field's suffix (`latency_ms>1s` compares with 1000);
 * sizes are bytes, binary multiples (1 KB = 1024 B).
 */

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/y;
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)$/i;

/** Nanoseconds per duration unit (exact in doubles for every unit used). */
const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
  w: 604800e9,
};

const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Field-name suffixes that name a duration unit, longest first. */
const FIELD_UNITS: [suffix: string, unit: string][] = [
  ['_seconds', 's'],
  ['_secs', 's'],
  ['_sec', 's'],
  ['_ns', 'ns'],
  ['_us', 'us'],
  ['_ms', 'ms'],
  ['_s', 's'],
];

export type Literal =
  | { kind: 'number'; value: number }
  | { kind: 'duration'; ns: number }
  | { kind: 'size'; bytes: number };

/** Reads a plain number, a duration or a size; undefined when the text is none of them. */
export function parseLiteral(text: string): Literal | undefined {
  if (NUMBER.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { kind: 'number', value } : undefined;
  }
  const size = SIZE.exec(text);
  if (size) return { kind: 'size', bytes: Number(size[1]) * SIZE_BYTES[size[2].toLowerCase()] };
  const ns = parseDurationNs(text);
  return ns === undefined ? undefined : { kind: 'duration', ns };
}

/** Parses `250ms`, `5m`, `1h30m` into nanoseconds; undefined when it is not a duration. */
export function parseDurationNs(text: string): number | undefined {
  let total = 0;
  let pos = 0;
  DURATION_PART.lastIndex = 0;
  for (let m = DURATION_PART.exec(text); m; m = DURATION_PART.exec(text)) {
    total += Number(m[1]) * UNIT_NS[m[2]];
    pos = DURATION_PART.lastIndex;
  }
  return pos > 0 && pos === text.length ? total : undefined;
}

/** The duration unit a field's name implies (`latency_ms` → `ms`), or undefined. */
export function fieldDurationUnit(name: string): string | undefined {
  for (const [suffix, unit] of FIELD_UNITS) if (name.endsWith(suffix)) return unit;
  return undefined;
}

/** Converts nanoseconds into the given duration unit. */
export function nsIn(ns: number, unit: string): number {
  return ns / UNIT_NS[unit];
}
