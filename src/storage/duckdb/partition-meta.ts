/**
 * What a sealed partition says of itself: the catalog row it was sealed with (time range, rows,
 * raw bytes, level and service counts, ingest marker), the segment files it replaced, and the
 * committed offsets its rows carry, as JSON in the Parquet footer's key-value metadata. With
 * it, the catalog is an index the store can rebuild from its files, as ClickHouse attaches the
 * parts it finds from their own `count.txt` and partition min/max.
 */
import { sqlString } from './schema.js';

/** Footer key holding a partition's description (JSON, see PartitionMeta). */
export const PARTITION_KEY = 'logpipe.partition';

/** The version of the description this code writes; a file with another one cannot be placed. */
const VERSION = 1;

export interface PartitionMeta {
  rows: number;
  /** Event time range of its rows (epoch µs). */
  minUs: number;
  maxUs: number;
  /** Bytes of the original lines (with their newlines). */
  rawBytes: number;
  /** Every row was committed at or before this ingest stamp (as in the file's name). */
  markerUs: number;
  /** Rows per level and per service (the catalog's `levels` and `services`). */
  levels: Record<string, number> | null;
  services: Record<string, number> | null;
  /** Segment files (relative paths) whose rows it holds; null when sealed from the active table. */
  segments: string[] | null;
  /** Next offset per `source \0 generation` after the rows it holds. */
  offsets: [string, number][];
}

/**
 * The description of a partition being sealed, from its summary row (`n`, `mn`, `mx`, `raw`,
 * `levels`, `services`, as the seal's summary query names them).
 */
export function partitionMeta(
  summary: Record<string, unknown>,
  markerUs: number,
  segments: string[] | null,
  offsets: [string, number][],
): PartitionMeta {
  return {
    rows: Number(summary.n),
    minUs: Number(summary.mn),
    maxUs: Number(summary.mx),
    rawBytes: Number(summary.raw),
    markerUs,
    levels: counts(asJson(summary.levels)),
    services: counts(asJson(summary.services)),
    segments,
    offsets,
  };
}

function asJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}

/** The COPY option that writes `meta` into the footer of the file being written. */
export function kvMetadataOption(meta: PartitionMeta): string {
  const doc = {
    version: VERSION,
    rows: meta.rows,
    min_us: meta.minUs,
    max_us: meta.maxUs,
    raw_bytes: meta.rawBytes,
    marker_us: meta.markerUs,
    levels: meta.levels,
    services: meta.services,
    segments: meta.segments,
    offsets: meta.offsets,
  };
  return `KV_METADATA {${sqlString(PARTITION_KEY)}: ${sqlString(JSON.stringify(doc))}}`;
}

/** A description read back from a footer, or the reason it cannot be used. */
export function parsePartitionMeta(text: string | undefined): PartitionMeta | { invalid: string } {
  if (text === undefined) return { invalid: `no ${PARTITION_KEY} metadata in its footer` };
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { invalid: `its ${PARTITION_KEY} metadata is not JSON` };
  }
  if (doc === null || typeof doc !== 'object')
    return { invalid: `its ${PARTITION_KEY} metadata is not an object` };
  if (doc.version !== VERSION) return { invalid: `its ${PARTITION_KEY} metadata has version ${doc.version}` };
  const num = (k: string) => (Number.isSafeInteger(doc[k]) ? (doc[k] as number) : null);
  const rows = num('rows');
  const minUs = num('min_us');
  const maxUs = num('max_us');
  const rawBytes = num('raw_bytes');
  const markerUs = num('marker_us');
  if (rows === null || minUs === null || maxUs === null || rawBytes === null || markerUs === null)
    return { invalid: `its ${PARTITION_KEY} metadata lacks a count or a time` };
  const segments = doc.segments;
  if (segments !== null && !(Array.isArray(segments) && segments.every((s) => typeof s === 'string')))
    return { invalid: `its ${PARTITION_KEY} metadata has a bad segment list` };
  const offsets = doc.offsets;
  if (
    !Array.isArray(offsets) ||
    !offsets.every(
      (o) => Array.isArray(o) && o.length === 2 && typeof o[0] === 'string' && Number.isSafeInteger(o[1]),
    )
  )
    return { invalid: `its ${PARTITION_KEY} metadata has bad offsets` };
  return {
    rows,
    minUs,
    maxUs,
    rawBytes,
    markerUs,
    levels: counts(doc.levels),
    services: counts(doc.services),
    segments: segments as string[] | null,
    offsets: offsets as [string, number][],
  };
}

function counts(v: unknown): Record<string, number> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, number>) : null;
}

/** Next offset per key over many lists: the highest each key reaches. */
export function maxOffsets(lists: Iterable<Iterable<[string, number]>>, into = new Map<string, number>()) {
  for (const list of lists)
    for (const [key, next] of list)
      if (next > (into.get(key) ?? Number.NEGATIVE_INFINITY)) into.set(key, next);
  return into;
}
