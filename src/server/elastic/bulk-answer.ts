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

/** The answer's text; `errors` is true when any item failed. */
export function bulkAnswer(tookMs: number, items: readonly ItemAnswer[]): string {
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
  return `{"took":${tookMs},"errors":${errors},"items":[${parts.join(',')}]}`;
}
