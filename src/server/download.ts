/**
 * A query's result as a file: CSV or NDJSON, streamed as it is read. The rows are asked of the
 * store a page at a time (DOWNLOAD_PAGE_ROWS), each page written before the next is read, so a
 * download of a million events holds one page in memory; a slow client slows the reading.
 */
import { UserError } from '../core/errors.js';
import type { StorageEngine } from '../core/storage.js';
import { type QueryRequest, type QueryResponse, runQuery } from './query-service.js';

export const DOWNLOAD_FORMATS = ['csv', 'ndjson'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

/** Rows a download holds unless `limit` says otherwise, and the most it may ask for. */
export const DEFAULT_DOWNLOAD_ROWS = 10_000;
export const MAX_DOWNLOAD_ROWS = 1_000_000;
/** Rows asked of the store at a time. */
export const DOWNLOAD_PAGE_ROWS = 10_000;

const MEDIA: Record<DownloadFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** Whether `text` names a download format. */
export function isDownloadFormat(text: string): text is DownloadFormat {
  return (DOWNLOAD_FORMATS as readonly string[]).includes(text);
}

/**
 * The response streaming the rows of `req` (up to `req.limit`) in `format`. The first page is read
 * before answering, so a bad query is still a 400; a failure later cuts the download short with an
 * error the client sees (the stream errors), never a file that looks complete.
 */
export async function downloadResponse(
  store: StorageEngine,
  req: QueryRequest,
  format: DownloadFormat,
  nowMs = Date.now(),
): Promise<Response> {
  const wanted = req.limit ?? DEFAULT_DOWNLOAD_ROWS;
  if (wanted > MAX_DOWNLOAD_ROWS)
    throw new UserError(`limit must be at most ${MAX_DOWNLOAD_ROWS} for a download, got ${wanted}`);
  // Pages are read one after another: without an end, events stored meanwhile would shift the
  // newest-first pages and repeat rows. The download ends at the time of the request.
  const base: QueryRequest = { ...req, toUs: req.toUs ?? nowMs * 1000 + 1, total: false, explain: false };
  const page = (offset: number) =>
    runQuery(store, { ...base, offset, limit: Math.min(DOWNLOAD_PAGE_ROWS, wanted - offset) });
  let next: QueryResponse | null = await page(0);
  const columns = next.columns;
  let sent = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (next === null) {
          controller.close();
          return;
        }
        const r: QueryResponse = next;
        let text = sent === 0 && format === 'csv' ? `${csvLine(columns)}\n` : '';
        text += format === 'csv' ? csvRows(columns, r.rows) : ndjsonRows(r.rows);
        sent += r.rows.length;
        const full = r.rows.length === Math.min(DOWNLOAD_PAGE_ROWS, wanted - (sent - r.rows.length));
        next = full && sent < wanted ? await page(sent) : null;
        if (next !== null && next.rows.length === 0) next = null;
        controller.enqueue(encoder.encode(text));
      } catch (err) {
        controller.error(err);
      }
    },
  });
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return new Response(body, {
    headers: {
      'content-type': MEDIA[format],
      'content-disposition': `attachment; filename="logpipe-${stamp}.${format}"`,
      'x-content-type-options': 'nosniff',
    },
  });
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',');
}

function csvRows(columns: string[], rows: Record<string, unknown>[]): string {
  let out = '';
  for (const row of rows) out += `${csvLine(columns.map((c) => row[c]))}\n`;
  return out;
}

function ndjsonRows(rows: Record<string, unknown>[]): string {
  let out = '';
  for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}
