/**
 * Recovery at open: the catalog is an index of the data files, and here the two are made to
 * agree, the files being the record.
 *
 * - A partition file the catalog does not list is placed from its own footer (partition-meta.ts).
 *   It is a seal's leftover when every segment file it names is still on disk and sound (the
 *   crash came before its catalog row committed, or before the segments went): those segments
 *   hold its rows, and the partition file is deleted. Otherwise it is adopted: listed, its
 *   segments that are left unlisted from the queries, its offsets counted. Among leftovers that
 *   name the same segments, one is adopted and the others are redundant or set aside, so no row
 *   is served twice. This is also how a lost catalog is rebuilt: every file is unlisted then.
 * - A file the store cannot place (no or bad metadata, a footer DuckDB cannot read, a cut-short
 *   file, a name that is none of the store's) is never deleted: it is moved to the quarantine
 *   (quarantine.ts) with one warning line.
 * - A listed partition whose file is damaged is quarantined, and one that is gone is noted; both
 *   leave the catalog, their offsets stay (their rows are not read again), and segments of
 *   theirs still on disk serve their rows again.
 * - A damaged segment file is quarantined unless a sound file holds its rows (then it is just
 *   obsolete); a segment file the catalog expected (`segment_files`) that is gone is noted.
 *
 * A reader (a read-only open) decides the same but changes nothing on disk: it leaves out what
 * it cannot read and says so, and the owner moves it at its next start.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatMicros } from '../../core/time.js';
import { groupDigits } from '../../core/units.js';
import {
  type CatalogFiles,
  clearRetired,
  deletePartitions,
  insertPartition,
  readCatalogFiles,
  upsertOffsets,
} from './catalog.js';
import { type Footer, parquetShapeProblem, readFooters, sizeProblem, type Unreadable } from './file-check.js';
import { PARTITION_KEY, type PartitionMeta, parsePartitionMeta } from './partition-meta.js';
import { fileSize, markerOf, type Partition, removeEmptyDays, scanParts } from './partitions.js';
import { noteMissing, type QuarantineReason, quarantineFile } from './quarantine.js';
import { ACTIVE_TABLE, META_TABLE } from './schema.js';
import { listSegments, parseSegmentName, type Segment, type SegmentListing } from './segments.js';
import type { StoreState } from './state.js';

/** Describes segment files (rows, time range, offsets); throws when one cannot be read. */
export type SegmentDescriber = (s: StoreState, files: string[]) => Promise<Segment[]>;

/** The outcome: the segments to serve, and the listing they came from. */
export interface Recovered {
  listing: SegmentListing & { mergedSeq: number };
  segments: Segment[];
}

/** An unlisted partition file whose footer describes it. */
interface Candidate {
  file: string;
  meta: PartitionMeta;
}

/** Makes the catalog and the files agree (see the module's comment); `owner` may change files. */
export async function recoverFiles(
  s: StoreState,
  owner: boolean,
  describe: SegmentDescriber,
): Promise<Recovered> {
  const dir = s.dir!;
  const act = actions(s, owner);
  const cat = await readCatalogFiles(s.writer);
  s.recordedSegments = segmentsKey([...cat.segments].map(([file, r]) => ({ file, rows: r.rows })));
  const mergedSeq = await mergedSegment(s);
  const parts = scanParts(dir);
  const all = listSegments(dir, new Set(), mergedSeq);
  const segmentsOnDisk = new Set([...all.live, ...all.stale.filter((f) => parseSegmentName(f) !== null)]);

  // Segment files cut short or not Parquet at all, by their two ends (cheap: no engine).
  const damagedSegs = new Map<string, string>();
  for (const f of segmentsOnDisk) {
    const why = parquetShapeProblem(join(dir, f));
    if (why !== null && why !== 'missing') damagedSegs.set(f, why);
  }

  // Listed partitions: gone, or cut short (a size other than the one sealed). One `stat` each:
  // reading every footer at open took 1.1-2.4 s for 400 partitions, against 0.1-0.2 s for the
  // whole open; a file damaged inside is found by `store --check`.
  const onDisk = new Set(parts.files);
  const gone: Partition[] = [];
  const broken: { part: Partition; why: string }[] = [];
  for (const p of s.partitions) {
    if (!onDisk.has(p.file)) {
      gone.push(p);
      continue;
    }
    const why = sizeProblem(join(dir, p.file), p.bytes);
    if (why === 'missing') gone.push(p);
    else if (why !== null) broken.push({ part: p, why });
  }
  // Their segments still on disk serve their rows again.
  const lost = new Set([...gone, ...broken.map((b) => b.part)].map((p) => p.file));
  const claimedBase = new Map([...cat.sealedBy].filter(([, part]) => !lost.has(part)));

  // Unlisted partition files: what their footers say.
  const listed = new Set(s.partitions.map((p) => p.file));
  const retired = parts.files.filter((f) => !listed.has(f) && cat.retired.has(f));
  const unlisted = parts.files.filter((f) => !listed.has(f) && !cat.retired.has(f));
  const { candidates, unplaceable } = await readCandidates(s, unlisted);

  // Decide the leftovers, and check the segments those decisions leave live, until no new
  // damage turns up (a damaged segment can turn a redundant leftover into the only copy).
  let decided = await decide(s, candidates, claimedBase, damagedSegs, segmentsOnDisk);
  let listing = listSegments(dir, new Set(decided.claimed.keys()), mergedSeq, new Set(damagedSegs.keys()));
  let segments: Segment[] = [];
  for (let round = 0; ; round++) {
    const { described, damaged } = await describeEach(s, listing.live, describe);
    segments = described;
    if (damaged.size === 0 || round >= 3) break;
    for (const [f, why] of damaged) damagedSegs.set(f, why);
    decided = await decide(s, candidates, claimedBase, damagedSegs, segmentsOnDisk);
    listing = listSegments(dir, new Set(decided.claimed.keys()), mergedSeq, new Set(damagedSegs.keys()));
  }

  // What is on disk for the messages that follow: every file's end offsets, to say which ranges a lost file held.
  const ends = new OffsetEnds();
  for (const seg of segments) ends.add(seg.offsets);
  for (const c of decided.adopt) ends.add(c.meta.offsets);
  for (const p of s.partitions) if (!lost.has(p.file)) ends.add(cat.offsetsOf.get(p.file) ?? []);

  // Partitions.
  for (const f of [...parts.temps, ...retired]) act.remove(f);
  for (const f of [...parts.strays, ...listing.strays])
    act.quarantine(f, 'unexpected', 'not a file of the store');
  for (const { file, why } of unplaceable) act.quarantine(file, why.reason, why.text);
  for (const { file, why } of decided.unplaced) act.quarantine(file, 'unplaced', why);
  for (const { part, why } of broken) {
    act.quarantine(part.file, 'broken', why, loss(part, cat.offsetsOf.get(part.file), ends));
  }
  for (const p of gone) act.missing(p.file, 'partition', loss(p, cat.offsetsOf.get(p.file), ends));
  if (decided.redundant.length > 0) {
    for (const c of decided.redundant) act.remove(c.file);
    s.opts.log?.info(
      `${owner ? 'cleared' : 'left out'} ${decided.redundant.length} partition file(s) the previous run had begun to write (their rows are kept in the segments they were being sealed from)`,
    );
  }
  const adopted = decided.adopt.map((c) => partitionOf(dir, c));
  // Retired files are all unlinked by now (just above, or before).
  await act.catalog([...lost], decided.adopt, cat.retired.size > 0);
  if (adopted.length > 0) {
    const rows = adopted.reduce((n, p) => n + p.rows, 0);
    s.opts.log?.info(
      `${owner ? 'adopted' : 'read'} ${adopted.length} partition file(s) the catalog did not list (${groupDigits(rows)} rows), from their own metadata`,
    );
  }
  s.partitions = [...s.partitions.filter((p) => !lost.has(p.file)), ...adopted].sort(
    (a, b) => a.minUs - b.minUs,
  );
  for (const c of decided.adopt) {
    for (const [key, next] of c.meta.offsets)
      if (next > (s.committed.get(key) ?? 0)) s.committed.set(key, next);
    s.lastIngestUs = Math.max(s.lastIngestUs, c.meta.markerUs);
  }
  if (owner) removeEmptyDays(dir);

  // Segments: a damaged one is just obsolete when a sound file holds its rows (a compacted set
  // or a partition for an appended file, the appended files for a compacted one).
  const claimed = new Set(decided.claimed.keys());
  const obsolete = new Set(listSegments(dir, claimed, mergedSeq).stale);
  const live = listing.live.map((f) => parseSegmentName(f)!);
  const covered = (f: string, compacted: boolean) => {
    const p = parseSegmentName(f);
    return (
      p !== null && live.some((q) => q.compacted !== compacted && q.first <= p.last && q.last >= p.first)
    );
  };
  for (const [f, why] of damagedSegs) {
    if (obsolete.has(f) || claimed.has(f) || covered(f, parseSegmentName(f)!.compacted))
      listing.stale.push(f);
    else act.quarantine(f, 'broken', why, segmentLoss(f, cat, ends));
  }
  for (const [f, rec] of cat.segments) {
    if (segmentsOnDisk.has(f) || claimed.has(f) || covered(f, parseSegmentName(f)?.compacted ?? true))
      continue;
    act.missing(f, 'segment', lossText(rec.rows, rec.minUs, rec.maxUs, rec.offsets, ends));
  }
  const appended = listing.live
    .map((f) => parseSegmentName(f)!)
    .filter((p) => !p.compacted)
    .map((p) => p.first);
  for (const f of damagedSegs.keys()) {
    const p = parseSegmentName(f);
    if (p && !p.compacted) appended.push(p.first);
  }
  appended.sort((a, b) => a - b);
  for (let i = 1; i < appended.length; i++) {
    if (appended[i] > appended[i - 1] + 1) act.gap(appended[i - 1] + 1, appended[i] - 1);
  }
  return { listing: { ...listing, mergedSeq }, segments };
}

/** What `segment_files` lists, as one comparable string. */
export function segmentsKey(segments: readonly { file: string; rows: number }[]): string {
  return segments
    .map((seg) => `${seg.file}:${seg.rows}`)
    .sort()
    .join('\n');
}

/** The owner's and the reader's ways of acting on a decision. */
function actions(s: StoreState, owner: boolean) {
  const dir = s.dir!;
  const log = s.opts.log;
  return {
    remove(file: string): void {
      if (owner) rmSync(join(dir, file), { force: true });
    },
    quarantine(file: string, reason: QuarantineReason, why: string, lost?: string): void {
      const what = lost ? `; ${lost} no longer served` : '';
      if (!owner) {
        s.skipped++;
        log?.warn(
          `${file}: ${why}; left out${what} (the store's owner moves it to quarantine at its next start)`,
        );
        return;
      }
      const to = quarantineFile(dir, file, reason, `${why}${what}`);
      log?.warn(`${file}: ${why}; moved to ${to}${what}`);
    },
    missing(file: string, kind: string, lost: string): void {
      if (owner) noteMissing(dir, file, `the catalog lists this ${kind}; ${lost} lost`);
      log?.warn(`${kind} ${file} is missing: ${lost} lost`);
    },
    gap(first: number, last: number): void {
      const names = first === last ? `${first}` : `${first} to ${last}`;
      const file = join(
        'segments',
        first === last ? `${pad(first)}.parquet` : `${pad(first)}-${pad(last)}.appended`,
      );
      if (owner) noteMissing(dir, file, `appended segment file(s) ${names} are gone: their rows are lost`);
      log?.warn(`appended segment file(s) ${names} are missing: their rows are lost`);
    },
    /** Lists adopted partitions and unlists lost ones, with the adopted files' offsets, in one commit. */
    async catalog(lostFiles: string[], adopt: Candidate[], clearRetirement: boolean): Promise<void> {
      if (!owner || (lostFiles.length === 0 && adopt.length === 0 && !clearRetirement)) return;
      await s.writer.run('BEGIN TRANSACTION');
      try {
        if (clearRetirement) await clearRetired(s.writer);
        await deletePartitions(s.writer, lostFiles);
        for (const c of adopt) {
          await insertPartition(
            s.writer,
            partitionOf(dir, c),
            { levels: c.meta.levels, services: c.meta.services },
            c.meta.segments,
            c.meta.offsets,
          );
          await upsertOffsets(s.writer, c.meta.offsets);
        }
        await s.writer.run('COMMIT');
      } catch (err) {
        await s.writer.run('ROLLBACK').catch(() => {});
        throw err;
      }
    },
  };
}

const pad = (n: number) => String(n).padStart(12, '0');

/** The unlisted partition files that describe themselves, and those that cannot be placed. */
async function readCandidates(
  s: StoreState,
  files: string[],
): Promise<{
  candidates: Candidate[];
  unplaceable: { file: string; why: { reason: QuarantineReason; text: string } }[];
}> {
  const dir = s.dir!;
  const candidates: Candidate[] = [];
  const unplaceable: { file: string; why: { reason: QuarantineReason; text: string } }[] = [];
  const sound: string[] = [];
  for (const f of files) {
    const why = parquetShapeProblem(join(dir, f));
    if (why === null) sound.push(f);
    else if (why !== 'missing') unplaceable.push({ file: f, why: { reason: 'broken', text: why } });
  }
  const footers = await readFooters(
    s.writer,
    sound.map((f) => join(dir, f)),
  );
  for (const f of sound) {
    const footer = footers.get(join(dir, f)) as Footer | Unreadable | undefined;
    if (footer === undefined) continue;
    if ('damaged' in footer) {
      unplaceable.push({ file: f, why: { reason: 'broken', text: footer.damaged } });
      continue;
    }
    const meta = parsePartitionMeta(footer.kv.get(PARTITION_KEY));
    if ('invalid' in meta) {
      unplaceable.push({
        file: f,
        why: { reason: 'unplaced', text: `not listed in the catalog, and ${meta.invalid}` },
      });
      continue;
    }
    if (meta.rows !== footer.rows) {
      unplaceable.push({
        file: f,
        why: {
          reason: 'broken',
          text: `its footer holds ${footer.rows} rows, its metadata says ${meta.rows}`,
        },
      });
      continue;
    }
    candidates.push({ file: f, meta });
  }
  return { candidates, unplaceable };
}

interface Decision {
  adopt: Candidate[];
  redundant: Candidate[];
  unplaced: { file: string; why: string }[];
  /** Segment file → the partition (listed or adopted) that holds its rows. */
  claimed: Map<string, string>;
}

/**
 * Which unlisted partitions to adopt. Larger ones first: a leftover of a seal retried with fewer
 * segments names a subset of another's, and is redundant once that one is adopted.
 */
async function decide(
  s: StoreState,
  candidates: Candidate[],
  claimedBase: ReadonlyMap<string, string>,
  damaged: ReadonlyMap<string, string>,
  onDisk: ReadonlySet<string>,
): Promise<Decision> {
  const claimed = new Map(claimedBase);
  const out: Decision = { adopt: [], redundant: [], unplaced: [], claimed };
  const sound = (f: string) => onDisk.has(f) && !damaged.has(f);
  const order = [...candidates].sort(
    (a, b) =>
      (b.meta.segments?.length ?? 0) - (a.meta.segments?.length ?? 0) ||
      b.meta.markerUs - a.meta.markerUs ||
      (a.file < b.file ? -1 : 1),
  );
  for (const c of order) {
    const names = c.meta.segments;
    if (names === null) {
      // Sealed from the active table: a leftover while its rows are still there.
      (await activeRows(s, c.meta)) > 0 ? out.redundant.push(c) : out.adopt.push(c);
      continue;
    }
    if (names.length > 0 && names.every((n) => claimed.has(n) || sound(n))) {
      out.redundant.push(c);
      continue;
    }
    const overlap = names.find((n) => claimed.has(n));
    if (overlap !== undefined) {
      out.unplaced.push({
        file: c.file,
        why: `not listed in the catalog, and its rows overlap those of ${claimed.get(overlap)} (sealed from the same segment ${overlap})`,
      });
      continue;
    }
    out.adopt.push(c);
    for (const n of names) claimed.set(n, c.file);
  }
  return out;
}

/** Rows of the active table a partition sealed from it holds (none once its seal committed). */
async function activeRows(s: StoreState, meta: PartitionMeta): Promise<number> {
  try {
    const r = await s.writer.runAndReadAll(
      `SELECT count(*) FROM ${ACTIVE_TABLE} WHERE ts >= make_timestamp(${meta.minUs}::BIGINT) AND ts <= make_timestamp(${meta.maxUs}::BIGINT) AND ingested_at <= make_timestamp(${meta.markerUs}::BIGINT)`,
    );
    return Number(r.getRowsJson()[0][0]);
  } catch {
    return 0;
  }
}

/** Describes segment files, all at once when they are sound, else one by one to find the damaged. */
async function describeEach(
  s: StoreState,
  files: string[],
  describe: SegmentDescriber,
): Promise<{ described: Segment[]; damaged: Map<string, string> }> {
  const damaged = new Map<string, string>();
  try {
    return { described: await describe(s, files), damaged };
  } catch {
    // One of them (at least) cannot be read: find which.
  }
  const footers = await readFooters(
    s.writer,
    files.map((f) => join(s.dir!, f)),
  );
  const sound: string[] = [];
  for (const f of files) {
    const footer = footers.get(join(s.dir!, f));
    if (footer !== undefined && 'damaged' in footer) damaged.set(f, footer.damaged);
    else sound.push(f);
  }
  const described: Segment[] = [];
  for (const f of sound) {
    try {
      described.push(...(await describe(s, [f])));
    } catch (err) {
      damaged.set(f, firstLineOf(err));
    }
  }
  return { described, damaged };
}

function firstLineOf(err: unknown): string {
  return ((err as Error).message ?? String(err)).split('\n')[0].replace(/^[A-Za-z ]+ Error: /, '');
}

/** The last appended segment an older layout merged into its table (0 for today's). */
async function mergedSegment(s: StoreState): Promise<number> {
  try {
    const r = await s.writer.runAndReadAll(`SELECT value FROM ${META_TABLE} WHERE key = 'merged_segment'`);
    return parseSegmentName(String(r.getRowsJson()[0]?.[0] ?? ''))?.first ?? 0;
  } catch {
    return 0;
  }
}

/** A partition as the engine keeps it, from an adopted file's metadata. */
function partitionOf(dir: string, c: Candidate): Partition {
  return {
    file: c.file,
    minUs: c.meta.minUs,
    maxUs: c.meta.maxUs,
    rows: c.meta.rows,
    bytes: fileSize(join(dir, c.file)),
    rawBytes: c.meta.rawBytes,
    markerUs: Number.isFinite(markerOf(c.file)) ? markerOf(c.file) : c.meta.markerUs,
  };
}

/** Every file's end offset per source: the start of a lost file's range is the end before it. */
class OffsetEnds {
  private readonly ends = new Map<string, number[]>();
  add(offsets: Iterable<[string, number]>): void {
    for (const [key, next] of offsets) {
      let list = this.ends.get(key);
      if (list === undefined) this.ends.set(key, (list = []));
      list.push(next);
    }
  }
  /** The highest end below `end` (0 when none). */
  before(key: string, end: number): number {
    let best = 0;
    for (const e of this.ends.get(key) ?? []) if (e < end && e > best) best = e;
    return best;
  }
}

function loss(p: Partition, offsets: [string, number][] | undefined, ends: OffsetEnds): string {
  return lossText(p.rows, p.minUs, p.maxUs, offsets ?? [], ends);
}

function segmentLoss(file: string, cat: CatalogFiles, ends: OffsetEnds): string | undefined {
  const rec = cat.segments.get(file);
  return rec ? lossText(rec.rows, rec.minUs, rec.maxUs, rec.offsets, ends) : undefined;
}

/** `1,000 rows of 2026-01-01T00:00:00Z to …; app.log offsets 0 to 212,000`. */
function lossText(
  rows: number,
  minUs: number,
  maxUs: number,
  offsets: [string, number][],
  ends: OffsetEnds,
): string {
  const range = rows > 0 ? ` of ${formatMicros(minUs)} to ${formatMicros(maxUs)}` : '';
  const sources = offsets.slice(0, 3).map(([key, end]) => {
    const source = key.slice(0, key.indexOf('\0'));
    return `${source} offsets ${groupDigits(ends.before(key, end))} to ${groupDigits(end)}`;
  });
  const more = offsets.length > 3 ? ` and ${offsets.length - 3} more source(s)` : '';
  return `its ${groupDigits(rows)} rows${range}${sources.length > 0 ? ` (${sources.join(', ')}${more})` : ''}`;
}
