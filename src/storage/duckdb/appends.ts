/**
 * The append path: batches (the segment's columns, encoded as events are added), one append at
 * a time, and the segment file each append writes and fsyncs before it returns, with the
 * committed offsets that recognise a batch re-sent after a crash. In-memory stores append to
 * their table instead (active-table.ts).
 */
import type { LogEvent, RawEvent } from '../../core/events.js';
import type { AppendResult, EncodedEvents, WriteBatch } from '../../core/storage.js';
import { keepRows } from '../parquet/column-buffers.js';
import { assembleFile, encodeRowGroups } from '../parquet/writer.js';
import { addRawEvents } from '../rows/access-rows.js';
import {
  addEvents,
  appendRows,
  type EncodedRows,
  eventRows,
  newRows,
  resetEventRows,
  SEGMENT_ENCODING,
  SEGMENT_SCHEMA,
  setIngested,
} from '../rows/event-columns.js';
import { compactInBackground } from './compact.js';
import { addPending, rowsSummary, storedGroup } from './compaction.js';
import { sealCutoffUs, sealEarly, sealFull } from './seal.js';
import { OFFSETS_KEY, segmentFile, writeSegment } from './segments.js';
import { type BatchContent, nextIngestUs, type StoreState } from './state.js';
import { closedError, writeError } from './store-errors.js';

/** Encoded batches kept for reuse once appended, so their buffers are allocated once. */
const SPARE_BATCHES = 4;

/** Writes a batch's new rows; durable on return. */
export type BatchWriter = (s: StoreState, c: BatchContent) => Promise<AppendResult>;

/** A batch's content for a store of segment files: encoded rows, on reused buffers when there are any. */
export function segmentContent(s: StoreState): BatchContent {
  return { rows: s.spareRows.pop() ?? eventRows(1024), events: null, spent: false };
}

/** A batch's content for an in-memory store: the events. */
export function eventContent(): BatchContent {
  return { rows: null, events: [], spent: false };
}

/** An empty batch of this store's, holding `content`. */
export function newBatch(s: StoreState, content: BatchContent): WriteBatch {
  const batch: WriteBatch = {
    add(events) {
      if (content.spent) throw new Error('this batch was appended already');
      if (!Array.isArray(events)) {
        const enc = events as EncodedEvents;
        if (enc.encoding !== SEGMENT_ENCODING || !content.rows) {
          throw new Error(`this store cannot take rows encoded as ${enc.encoding}`);
        }
        appendRows(content.rows, (enc as EncodedRows).rows);
      } else if (content.rows) addEvents(content.rows, events as readonly LogEvent[]);
      else for (const e of events as readonly LogEvent[]) content.events!.push(e);
    },
    addRaw(events, parse) {
      if (content.spent) throw new Error('this batch was appended already');
      if (content.rows) addRawEvents(content.rows, events, parse);
      else for (const e of parse(events as RawEvent[])) content.events!.push(e);
    },
    get size() {
      return content.rows ? content.rows.columns.rows : content.events!.length;
    },
  };
  s.batches.set(batch, content);
  return batch;
}

/**
 * Appends events, or a batch of this store's, after every write queued before it: `write` stores
 * the new rows, and the batch's buffers serve a later batch.
 */
export function appendBatch(
  s: StoreState,
  input: LogEvent[] | WriteBatch,
  content: (s: StoreState) => BatchContent,
  write: BatchWriter,
): Promise<AppendResult> {
  let c: BatchContent | undefined;
  if (Array.isArray(input)) {
    const b = newBatch(s, content(s));
    b.add(input);
    c = s.batches.get(b);
  } else {
    c = s.batches.get(input);
    if (c === undefined) return Promise.reject(new Error('append: not a batch of this store'));
    if (c.spent) return Promise.reject(new Error('append: this batch was appended already'));
  }
  const batch = c!;
  return s.writes.run(async () => {
    if (s.closed) throw closedError();
    const r = await write(s, batch);
    batch.spent = true;
    if (batch.rows && s.spareRows.length < SPARE_BATCHES) {
      resetEventRows(batch.rows);
      s.spareRows.push(batch.rows);
    }
    return r;
  });
}

/**
 * Writes the new rows as a segment file with their offsets in the footer; durable on return.
 * Which rows are new is decided against the committed offsets as the write starts (appends run
 * one at a time), and the rows are left as they were, so a failed write can be retried.
 */
export async function appendSegment(s: StoreState, c: BatchContent): Promise<AppendResult> {
  const rows = c.rows!;
  const total = rows.columns.rows;
  const { keep, fresh, moved } = newRows(rows, s.committed);
  if (fresh === 0) return { stored: 0, duplicates: total };
  const ingestUs = nextIngestUs(s);
  setIngested(rows, ingestUs);
  const offsets = [...moved];
  const cols = keep ? keepRows(rows.columns, keep) : rows.columns;
  const [group] = encodeRowGroups(SEGMENT_SCHEMA, [cols]);
  const data = assembleFile(SEGMENT_SCHEMA, [group], { [OFFSETS_KEY]: JSON.stringify(offsets) });
  const seq = s.nextSeq;
  const file = segmentFile(seq);
  try {
    await writeSegment(s.dir!, file, data.pieces);
  } catch (err) {
    throw writeError('append', s.opts.path, err);
  }
  s.nextSeq++;
  const summary = rowsSummary([cols]);
  s.segments.push({
    file,
    first: seq,
    last: seq,
    compacted: false,
    rows: fresh,
    bytes: data.size,
    ...summary,
    offsets,
  });
  s.unsealedBytes += data.size;
  s.lastAppendAt = performance.now();
  s.lastIngestUs = ingestUs;
  for (const [key, next] of moved) s.committed.set(key, next);
  addPending(s.pending, seq, cols, storedGroup(file, group), summary, s.partUs, moved, sealCutoffUs(s));
  await afterSegment(s);
  return { stored: fresh, duplicates: total - fresh };
}

/**
 * Starts a compaction once enough rows wait in memory, an early seal once unsealed segments
 * grow past `sealBytes`, and holds the append (so the caller's queue backs up) while they are
 * past `maxBytes`.
 */
async function afterSegment(s: StoreState): Promise<void> {
  const c = s.compaction;
  if (s.pending.bytes >= c.bytes) compactInBackground(s);
  if (s.opts.sealAsFilled) sealFull(s);
  if (s.unsealedBytes >= c.sealBytes) {
    const sealing = sealEarly(s);
    // A failed seal is logged and retried; this append is stored already.
    if (s.unsealedBytes >= c.maxBytes) await sealing.catch(() => {});
  }
}

/**
 * The next offset not yet stored of each (source, generation) whose generation is `generation`
 * or starts with `generation-`.
 */
export function committedOffsets(
  s: StoreState,
  generation: string,
): { source: string; generation: string; next: number }[] {
  const out: { source: string; generation: string; next: number }[] = [];
  for (const [key, next] of s.committed) {
    const sep = key.indexOf('\0');
    const gen = key.slice(sep + 1);
    if (gen === generation || gen.startsWith(`${generation}-`)) {
      out.push({ source: key.slice(0, sep), generation: gen, next });
    }
  }
  return out;
}
