/**
 * The open event, whole. List pages carry long values cut (`max_value_bytes`); the event a reader
 * opens is asked for by its identity (/api/event) so that what it shows, copies and filters on is
 * every byte of it. An event with nothing cut is already whole and asks for nothing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { cutPaths, type Row } from '../lib/rows.js';
import { eventId } from '../lib/url-state.js';

export interface WholeEvent {
  /** The event whole, or null while it is asked for (or could not be had). */
  whole: Row | null;
  /** Resolves to the whole event; rejects when it cannot be had. */
  complete(): Promise<Row>;
  /** Why the whole event could not be had. */
  error: string | null;
}

/** The whole of `row` (the open row of a list page), fetched when the page cut any of its values. */
export function useWholeEvent(row: Row | undefined): WholeEvent {
  const id = row ? eventId(row) : undefined;
  const cut = row !== undefined && cutPaths(row).length > 0;
  const asked = useRef<{ id: string; promise: Promise<Row> } | null>(null);
  const [got, setGot] = useState<{ id: string; row: Row | null; error: string | null } | null>(null);
  const ask = (): Promise<Row> => {
    if (!row) return Promise.reject(new Error('no event is open'));
    if (!cut) return Promise.resolve(row);
    if (!id || row.generation === undefined || row.generation === null)
      return Promise.reject(new Error('this event has no identity to ask for it by'));
    if (asked.current?.id !== id) {
      const params = {
        source: String(row.source),
        generation: String(row.generation),
        offset: String(row.offset),
      };
      const promise = getJson<{ event: Row }>('/api/event', params).then((r) => r.event);
      asked.current = { id, promise };
      promise.then(
        (r) => asked.current?.id === id && setGot({ id, row: r, error: null }),
        (e: Error) => asked.current?.id === id && setGot({ id, row: null, error: e.message }),
      );
    }
    return asked.current.promise;
  };
  useEffect(() => {
    if (cut) ask().catch(() => {});
  }, [id, cut]);
  if (!row) return { whole: null, complete: ask, error: null };
  if (!cut) return { whole: row, complete: ask, error: null };
  const mine = got?.id === id ? got : null;
  return { whole: mine?.row ?? null, complete: ask, error: mine?.error ?? null };
}
