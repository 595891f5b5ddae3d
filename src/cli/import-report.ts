/**
 * The per-file lines of `logpipe store --import`: what each file gave (lines, events), what the
 * store added of it and already held, its bytes, and the time range the store holds of it.
 * Types only from the pipeline, so `logpipe --help` loads none of it.
 */
import { formatBytes, groupDigits } from '../core/units.js';
import type { FileImport } from '../pipeline/import-files.js';
import type { StoredOfFile } from '../pipeline/import-report.js';

const n = groupDigits;

/** One file's report line; `before`/`after`: what the store held of its content. */
export function importFileLine(f: FileImport, before?: StoredOfFile, after?: StoredOfFile): string {
  const added = Math.max(0, (after?.events ?? 0) - (before?.events ?? 0));
  const already = Math.max(0, f.events - added);
  const bytes = f.compressed
    ? `${formatBytes(f.size)} gzip, ${formatBytes(f.textBytes)} of text`
    : formatBytes(f.size);
  const range =
    after?.first && after.last
      ? `, ${after.first.replace('.000000Z', 'Z')} .. ${after.last.replace('.000000Z', 'Z')}`
      : '';
  const joined = f.events !== f.lines ? ` (multi-line events joined)` : '';
  const damaged = f.damaged
    ? `; damaged gzip data after ${formatBytes(f.textBytes)} of text (${f.damaged})`
    : '';
  return `${f.path}: ${n(f.lines)} lines, ${n(f.events)} events${joined}: ${n(added)} stored, ${n(already)} already held; ${bytes}${range}${damaged}`;
}
