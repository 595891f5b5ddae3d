/**
 * The bulk API's answer: `{"took", "errors", "items": [{"<op>": {"_index", "_id", "_version",
 * "result", "status", "error"?}}]}`, an item per action in the order sent. Written as text, not
 * built as objects for JSON.stringify: a request of 10,000 documents answers 10,000 items.
 */

/** One action's outcome. */
export interface ItemAnswer {
  op: string;
  index: string;
  id: string;
  status: number;
  result: 'created' | 'updated' | null;
  version: number | null;
  error: { type: string; reason: string } | null;
}

/** The items of an answer as text (the inside of its `items` list), and whether any failed. */
export interface ItemsText {
  text: string;
  errors: boolean;
}

/** The items' text, an item per action in order. */
export function bulkItemsText(items: readonly ItemAnswer[]): ItemsText {
  let errors = false;
  const parts: string[] = new Array(items.length);
  // Consecutive items of one index and op share the text before the id.
  let lastHead = '';
  let lastKey = '';
  for (let i = 0; i < items.length; i++) {
    const a = items[i];
    const key = `${a.op}\0${a.index}`;
    if (key !== lastKey) {
      lastKey = key;
      lastHead = `{${JSON.stringify(a.op)}:{"_index":${JSON.stringify(a.index)},"_id":`;
    }
    let tail: string;
    if (a.error !== null) {
      errors = true;
      tail = `,"status":${a.status},"error":{"type":${JSON.stringify(a.error.type)},"reason":${JSON.stringify(a.error.reason)}}}}`;
    } else {
      tail = `,"_version":${a.version},"result":"${a.result}","_shards":{"total":1,"successful":1,"failed":0},"status":${a.status}}}`;
    }
    parts[i] = lastHead + JSON.stringify(a.id) + tail;
  }
  return { text: parts.join(','), errors };
}

/** The answer's text; `errors` is true when any item failed. */
export function bulkAnswer(tookMs: number, items: readonly ItemAnswer[] | ItemsText): string {
  const t = Array.isArray(items) ? bulkItemsText(items) : (items as ItemsText);
  return `{"took":${tookMs},"errors":${t.errors},"items":[${t.text}]}`;
}

/**
 * Elasticsearch's `filter_path` (Filebeat and Logstash send
 * `filter_path=errors,items.*.error,items.*.status`): the paths of the answer to keep, `*` for
 * any one key, `**` for any number; lists are passed through. Null when none is asked for;
 * exclusions (`-path`) are not read (the whole answer is kept for them).
 */
export function filterPaths(param: string | undefined): string[][] | null {
  if (param === undefined || param === '') return null;
  const paths = param.split(',').map((p) => p.trim());
  if (paths.some((p) => p.startsWith('-') || p === '')) return null;
  return paths.map((p) => p.split('.'));
}

/** The answer with only what `paths` name, as text. */
export function filteredBulkAnswer(
  tookMs: number,
  items: readonly ItemAnswer[] | ItemsText,
  paths: string[][],
): string {
  const full = JSON.parse(bulkAnswer(tookMs, items)) as unknown;
  return JSON.stringify(keep(full, paths) ?? {});
}

function keep(v: unknown, paths: string[][]): unknown {
  if (paths.some((p) => p.length === 0 || (p.length === 1 && p[0] === '**'))) return v;
  if (Array.isArray(v)) {
    const out = v.map((x) => keep(x, paths)).filter((x) => x !== undefined);
    return out.length > 0 ? out : undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, x] of Object.entries(v)) {
    const next: string[][] = [];
    for (const p of paths) {
      if (p[0] === '**') {
        next.push(p);
        if (p[1] === '*' || p[1] === k) next.push(p.slice(2));
      } else if (p[0] === '*' || p[0] === k) next.push(p.slice(1));
    }
    if (next.length === 0) continue;
    const r = keep(x, next);
    if (r !== undefined) {
      out[k] = r;
      any = true;
    }
  }
  return any ? out : undefined;
}
