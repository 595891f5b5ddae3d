/**
 * The HTTP API as the page asks it: the token it was given (`?token=` once, then kept in
 * sessionStorage) sent as a bearer header, errors read into ApiError with the query position.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    readonly position?: number,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'logpipe.token';

/** Takes a `?token=` from the address into session storage and out of the address bar. */
export function adoptToken(): void {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

function headers(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function apiUrl(path: string, params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  return `${path}?${p}`;
}

/** GET a JSON endpoint; ApiError on an error answer (404 for a missing route too). */
export async function getJson<T>(
  path: string,
  params: Record<string, string | number | undefined>,
  signal?: AbortSignal,
): Promise<T> {
  const res = await fetch(apiUrl(path, params), { headers: headers(), signal });
  const body = (await res.json().catch(() => null)) as
    | (T & { error?: { type?: string; message?: string; position?: number } })
    | null;
  if (!res.ok || body === null) {
    const e = body?.error;
    throw new ApiError(e?.message ?? `HTTP ${res.status}`, res.status, e?.type ?? 'http', e?.position);
  }
  return body;
}

/** Fetches a download with the token and hands it to the browser as a file. */
export async function download(
  path: string,
  params: Record<string, string | number | undefined>,
  name: string,
) {
  const res = await fetch(apiUrl(path, params), { headers: headers() });
  if (!res.ok) throw new ApiError(`download failed: HTTP ${res.status}`, res.status, 'http');
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export interface Row {
  [column: string]: unknown;
}
export interface QueryResult {
  kind?: 'events' | 'table';
  columns: string[];
  rows: Row[];
  total?: number | null;
  took_ms?: number;
  scanned?: { rows?: number; files?: number; files_skipped?: number };
}
export interface FieldFacet {
  name: string;
  type: string;
  count: number;
  coverage?: number;
  top: { value: string | number | boolean; count: number }[];
  min?: number | string;
  max?: number | string;
  p50?: number;
  p99?: number;
}
export interface FieldsResult {
  sampled: number;
  matched?: number | null;
  fields: FieldFacet[];
}
export interface HistogramResult {
  from: string;
  to: string;
  step_ms: number;
  levels: string[];
  buckets: { t: string; total: number; counts: Record<string, number> }[];
}
export interface ContextResult {
  hit: Row;
  before: Row[];
  after: Row[];
  more_before: boolean;
  more_after: boolean;
}
/** One entry of the language's tables (/api/language): a pipe, an operator or an aggregate. */
export interface LanguageEntry {
  name: string;
  syntax?: string;
  doc?: string;
  example?: string;
}
export interface LanguageResult {
  pipes: LanguageEntry[];
  operators?: LanguageEntry[];
  aggregates?: LanguageEntry[];
  /** The store's columns, with their type. */
  fields?: { name: string; type: string }[];
}

/**
 * Follows /api/tail. EventSource cannot send a header, so with a token the stream is read with
 * fetch; the SSE framing is parsed here.
 */
export function followTail(
  q: string,
  on: { rows(r: QueryResult): void; error(message: string): void; ready(): void },
  maxValueBytes?: number,
): () => void {
  const ac = new AbortController();
  (async () => {
    try {
      const url = apiUrl('/api/tail', { q, max_value_bytes: maxValueBytes });
      const res = await fetch(url, { headers: headers(), signal: ac.signal });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        on.error(body?.error?.message ?? `HTTP ${res.status}`);
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut = buf.indexOf('\n\n');
        while (cut !== -1) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          let event = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trimStart();
          }
          if (event === 'ready') on.ready();
          else if (event === 'rows') on.rows(JSON.parse(data) as QueryResult);
          else if (event === 'error') on.error((JSON.parse(data) as { message: string }).message);
          cut = buf.indexOf('\n\n');
        }
      }
    } catch (err) {
      if (!ac.signal.aborted) on.error((err as Error).message);
    }
  })();
  return () => ac.abort();
}
