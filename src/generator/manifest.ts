/**
 * The manifest a run writes (`--manifest FILE`): lines, bytes and a checksum per logical output
 * file and in total, so a verifier can prove that what reached the store is exactly what was
 * generated. Rotated pieces count toward their base file. Written atomically (temp file, rename).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { UserError } from '../core/errors.js';
import { addLineHash, addSums, type HashSum, hashSumHex, newHashSum } from './line-hash.js';

/** Counts and checksum of a set of lines. */
export interface LineStats {
  /** Records written (a multi-line stack trace is one record). */
  lines: number;
  /** Bytes written, newlines included. */
  bytes: number;
  /** Sum mod 2^64 of each record's 64-bit hash, 16 hex digits (see docs/generator.md). */
  checksum: string;
}

/** Noise records written on purpose; their checksum is part of the file's. */
export interface NoiseStats extends LineStats {
  blank: number;
  overlong: number;
  invalid_utf8: number;
}

/** One logical output file (or stream). */
export interface ManifestFile extends LineStats {
  /** Multi-line records (stack traces) among `lines`. */
  multiline: number;
  /** Rotations performed; the pieces still on disk are `<path>.1` .. `<path>.<keep>`. */
  rotations: number;
  noise: NoiseStats;
}

/** The whole manifest. */
export interface Manifest {
  version: 1;
  format: string;
  seed: number;
  /** Event time of the first and last record, ISO 8601; null when nothing was written. */
  first_ts: string | null;
  last_ts: string | null;
  /** False when the run was interrupted (SIGINT/SIGTERM) or its reader went away. */
  complete: boolean;
  /**
   * The directory relative file names were written against (the run's working directory),
   * absolute; absent from manifests written before it was recorded.
   */
  base_dir?: string;
  /** Keyed by logical name: the file path as given, `stdout`, or the syslog/HTTP URL. */
  files: Record<string, ManifestFile>;
  total: LineStats & { multiline: number; noise: NoiseStats };
}

/** The checksum of `lines` (strings are hashed as UTF-8, byte arrays as they are), without newlines. */
export function lineChecksum(lines: Iterable<string | Uint8Array>): string {
  const sum = newHashSum();
  for (const line of lines) {
    const b = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
    addLineHash(sum, b, 0, b.length);
  }
  return hashSumHex(sum);
}

/** Adds checksums given as hex (e.g. the files' into a total). */
export function addChecksums(...sums: string[]): string {
  const total = newHashSum();
  for (const s of sums) addSums(total, parseSum(s));
  return hashSumHex(total);
}

/** `a - b` mod 2^64: e.g. a file's checksum without its noise records. */
export function subtractChecksum(a: string, b: string): string {
  const x = parseSum(a);
  const y = parseSum(b);
  // Adding the two's complement of y subtracts it mod 2^64.
  const neg: HashSum = { hi: ~y.hi >>> 0, lo: ~y.lo >>> 0 };
  addSums(neg, { hi: 0, lo: 1 });
  addSums(x, neg);
  return hashSumHex(x);
}

function parseSum(hex: string): HashSum {
  if (!/^[0-9a-f]{16}$/.test(hex)) throw new UserError(`invalid checksum "${hex}": expected 16 hex digits`);
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) };
}

/** Writes `m` to `path` atomically. */
export function writeManifest(path: string, m: Manifest): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(m, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Reads and checks a manifest; a UserError names the file and what is wrong. */
export function readManifest(path: string): Manifest {
  let o: unknown;
  try {
    o = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`cannot read manifest ${path}: ${e.code ?? e.message}`);
  }
  const m = o as Manifest;
  const bad = (what: string): never => {
    throw new UserError(`manifest ${path}: ${what}`);
  };
  if (!m || typeof m !== 'object') bad('not a JSON object');
  if (m.version !== 1) bad(`unsupported version ${String(m.version)}`);
  if (!m.files || typeof m.files !== 'object') bad('missing "files"');
  if (!m.total || typeof m.total !== 'object') bad('missing "total"');
  if (m.base_dir !== undefined && (typeof m.base_dir !== 'string' || !isAbsolute(m.base_dir))) {
    bad('"base_dir" is not an absolute path');
  }
  for (const [name, f] of Object.entries(m.files)) {
    if (typeof f?.lines !== 'number' || typeof f.bytes !== 'number' || !/^[0-9a-f]{16}$/.test(f.checksum)) {
      bad(`file "${name}" lacks lines, bytes or a 16-hex-digit checksum`);
    }
  }
  return m;
}
