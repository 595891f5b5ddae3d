/**
 * An Elasticsearch bulk body read into its items. The body is NDJSON: an action line
 * (`{"index": {"_index": "logs", "_id": "7"}}`) and, for `index`, `create` and `update`, the
 * document line after it; `delete` has none. A body that cannot be read as such pairs is refused
 * whole, as Elasticsearch refuses it (nothing of it is stored): an action line that is not one
 * action object, an action without its document, no index, a last line without its newline (a
 * body cut short ends so). A document is not read here: one that is bad fails its own item only.
 */
import { BulkRefused } from './answers.js';
import { nestsDeeper } from './ecs-events.js';

export type BulkOp = 'index' | 'create' | 'update' | 'delete';

/** One action of the request, in order. */
export interface BulkItem {
  op: BulkOp;
  index: string;
  /** The action's `_id`, when it has one. */
  id: string | null;
  /** The document line (index, create, update); null for delete. */
  doc: string | null;
  /** Why the action fails alone (a bad index name or id), Elasticsearch's type and reason. */
  error: { type: string; reason: string } | null;
}

/** Elasticsearch refuses longer ids and index names (bytes). */
const MAX_ID_BYTES = 512;
const MAX_INDEX_BYTES = 255;

/**
 * Reads the items of `text` (the body as text). `defaultIndex` is the URL's (`/<index>/_bulk`).
 * More than `maxItems` actions are refused with 413: the answer holds an item per action, so a
 * body of tiny actions would otherwise ask for an answer many times its own size.
 */
export function decodeBulk(text: string, defaultIndex: string | null, maxItems: number): BulkItem[] {
  const items: BulkItem[] = [];
  const n = text.length;
  let at = 0;
  let lineNo = 0;
  // Agents repeat one action line for every document that carries no id: parsed once.
  let lastActionText = '';
  let lastAction: Action | null = null;
  const names: IndexNames = { last: '', verdict: 'must not be empty' };
  while (at < n) {
    const action = nextLine(text, at);
    lineNo++;
    const actionLineNo = lineNo;
    at = action.next;
    const line = action.line;
    if (isBlank(line)) continue;
    let parsed: Action;
    if (line === lastActionText && lastAction !== null) parsed = lastAction;
    else {
      parsed = readAction(line, lineNo);
      lastActionText = line;
      lastAction = parsed;
    }
    let doc: string | null = null;
    if (parsed.op !== 'delete') {
      if (at >= n) {
        throw new BulkRefused(
          400,
          'action_request_validation_exception',
          `Validation Failed: the ${parsed.op} action on line [${lineNo}] has no document line after it`,
        );
      }
      const d = nextLine(text, at);
      lineNo++;
      at = d.next;
      doc = d.line;
    }
    const index = parsed.index ?? defaultIndex;
    if (index === null) {
      throw new BulkRefused(
        400,
        'action_request_validation_exception',
        `Validation Failed: 1: index is missing for the action on line [${actionLineNo}]; name it in the action's _index or the URL (/<index>/_bulk)`,
      );
    }
    if (items.length === maxItems) {
      throw new BulkRefused(
        413,
        'content_too_long_exception',
        `a bulk request may hold at most ${maxItems} actions; send them in smaller requests`,
      );
    }
    items.push({ op: parsed.op, index, id: parsed.id, doc, error: itemError(names, index, parsed.id) });
  }
  return items;
}

interface Action {
  op: BulkOp;
  index: string | null;
  id: string | null;
}

interface Line {
  line: string;
  next: number;
}

function nextLine(text: string, at: number): Line {
  const nl = text.indexOf('\n', at);
  if (nl < 0) {
    if (!isBlank(text.slice(at))) {
      throw new BulkRefused(
        400,
        'illegal_argument_exception',
        'The bulk request must be terminated by a newline [\\n]: the body ends inside a line (cut short?)',
      );
    }
    return { line: '', next: text.length };
  }
  const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  return { line: text.slice(at, end), next: nl + 1 };
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

const OPS = new Set<string>(['index', 'create', 'update', 'delete']);

function malformed(lineNo: number, what: string): BulkRefused {
  return new BulkRefused(
    400,
    'illegal_argument_exception',
    `Malformed action/metadata line [${lineNo}], ${what}`,
  );
}

/** One action line: an object of one member, the op, whose value is an object of parameters. */
function readAction(line: string, lineNo: number): Action {
  // An action nests three levels at most; a long line is measured before JSON.parse takes it.
  if (line.length > 4096 && nestsDeeper(line, 8))
    throw malformed(lineNo, 'expected a JSON object of one action, found deeper nesting');
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw malformed(lineNo, `not JSON (${(err as Error).message})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw malformed(lineNo, 'expected a JSON object');
  const keys = Object.keys(v);
  if (keys.length !== 1) {
    throw malformed(lineNo, `expected one action, found ${keys.length === 0 ? 'none' : keys.length}`);
  }
  const op = keys[0];
  if (!OPS.has(op)) {
    throw malformed(lineNo, `expected one of [create, delete, index, update] but found [${op.slice(0, 40)}]`);
  }
  const params = (v as Record<string, unknown>)[op];
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw malformed(lineNo, `the ${op} action's parameters are not an object`);
  }
  const p = params as Record<string, unknown>;
  // Other parameters (`_type` from older agents, routing, pipeline, versions) are not used here.
  return { op: op as BulkOp, index: name(p._index, '_index', lineNo), id: name(p._id, '_id', lineNo) };
}

function name(v: unknown, key: string, lineNo: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw malformed(lineNo, `${key} must be a string`);
}

/** What fails an action alone, as Elasticsearch checks an index name and an id. */
function itemError(
  names: IndexNames,
  index: string,
  id: string | null,
): { type: string; reason: string } | null {
  const bad = checkIndex(names, index);
  if (bad !== null) {
    return {
      type: 'invalid_index_name_exception',
      reason: `Invalid index name [${index.slice(0, 300)}], ${bad}`,
    };
  }
  if (id !== null) {
    if (id === '')
      return { type: 'illegal_argument_exception', reason: 'if _id is specified it must not be empty' };
    const bytes = Buffer.byteLength(id);
    if (bytes > MAX_ID_BYTES) {
      return {
        type: 'illegal_argument_exception',
        reason: `id [${id.slice(0, 60)}…] is too long, must be no longer than ${MAX_ID_BYTES} bytes but was: ${bytes}`,
      };
    }
  }
  return null;
}

/** The last index name checked and its verdict: a request names one or a few, item after item. */
interface IndexNames {
  last: string;
  verdict: string | null;
}

function checkIndex(names: IndexNames, index: string): string | null {
  if (index !== names.last) {
    names.last = index;
    names.verdict = badIndexName(index);
  }
  return names.verdict;
}

const FORBIDDEN_INDEX_CHARS = new Set(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']);

/** Elasticsearch's rules for an index (or data stream) name; null when `index` follows them. */
export function badIndexName(index: string): string | null {
  if (index === '') return 'must not be empty';
  if (index === '.' || index === '..') return 'must not be "." or ".."';
  const first = index.charCodeAt(0);
  if (first === 95 || first === 45 || first === 43) return 'must not start with "_", "-", or "+"';
  if (Buffer.byteLength(index) > MAX_INDEX_BYTES) return `index name is too long, (> ${MAX_INDEX_BYTES})`;
  for (const ch of index) {
    if (FORBIDDEN_INDEX_CHARS.has(ch))
      return `must not contain the following characters [${[...FORBIDDEN_INDEX_CHARS].join(', ')}]`;
    if (ch !== ch.toLowerCase()) return 'must be lowercase';
  }
  return null;
}
