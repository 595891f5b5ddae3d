/**
 * The rows of a long result, fetched a page at a time as the list scrolls to them: pages asked
 * once each, kept by index, so the list reads `row(i)` without knowing about requests.
 */
import type { Row } from './rows.js';

export interface Pager {
  row(i: number): Row | undefined;
  /** Loads the pages under [from, to) that are not loaded or loading. */
  ensure(from: number, to: number): void;
  /** Rows known to exist: the total when counted, else what the pages loaded say. */
  length(): number;
  /** The result's size, once counted apart from the pages. */
  setTotal(n: number): void;
}

export function createPager(
  pageSize: number,
  fetchPage: (offset: number, limit: number) => Promise<{ rows: Row[]; total?: number | null }>,
  changed: () => void,
  first?: { rows: Row[]; total?: number | null },
): Pager {
  const pages = new Map<number, Row[] | 'loading'>();
  let total: number | null = null;
  let open = true;
  const took = (page: number, r: { rows: Row[]; total?: number | null }) => {
    pages.set(page, r.rows);
    if (typeof r.total === 'number') total = r.total;
    // Without a total, a full page means there may be more.
    if (r.rows.length < pageSize) {
      open = false;
      total = page * pageSize + r.rows.length;
    }
  };
  if (first) took(0, first);
  const load = (page: number) => {
    if (pages.has(page)) return;
    pages.set(page, 'loading');
    fetchPage(page * pageSize, pageSize).then(
      (r) => {
        took(page, r);
        changed();
      },
      () => pages.delete(page),
    );
  };
  return {
    row(i) {
      const p = pages.get(Math.floor(i / pageSize));
      return p === undefined || p === 'loading' ? undefined : p[i % pageSize];
    },
    ensure(from, to) {
      for (let page = Math.floor(from / pageSize); page * pageSize < to; page++) {
        if (total !== null && page * pageSize >= total) break;
        load(page);
      }
    },
    setTotal(n) {
      total = n;
      open = false;
    },
    length() {
      if (total !== null) return total;
      let loaded = 0;
      for (const [k, v] of pages) if (v !== 'loading') loaded = Math.max(loaded, k * pageSize + v.length);
      return open ? loaded + pageSize : loaded;
    },
  };
}
